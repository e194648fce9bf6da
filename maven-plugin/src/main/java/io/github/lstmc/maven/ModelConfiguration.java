package io.github.lstmc.maven;

/**
 * Per-model settings in the plugin configuration, for the models whose defaults do not fit:
 * <pre>{@code
 * <models>
 *   <model>
 *     <file>speech_tagger.safetensors</file>   <!-- relative to sourceDirectory -->
 *     <className>Tagger</className>           <!-- default: SpeechTagger -->
 *     <prefix>encoder.lstm</prefix>           <!-- tensor name prefix when a file holds several -->
 *     <config>tagger_config.json</config>     <!-- Burn LstmConfig for Burn weights -->
 *     <layout>batch_first</layout>            <!-- or sequence_first; default: the format's -->
 *     <from>conv_out</from>                   <!-- ONNX: compile from this tensor (the input) -->
 *     <to>logits</to>                         <!-- ONNX: compile up to this tensor (the output) -->
 *     <rnnNonlinearity>relu</rnnNonlinearity> <!-- PyTorch nn.RNN state dicts: tanh (default) or relu -->
 *   </model>
 * </models>
 * }</pre>
 * A mutable bean because Maven fills it by setter/field injection.
 */
public class ModelConfiguration {
    /** The model file, relative to the source directory ('/'-separated). Required. */
    private String file;
    /** The simple name of the generated class; default derived from the file name. */
    private String className;
    /** The tensor name prefix of the LSTM inside the file, or none. */
    private String prefix;
    /** A Burn config file, relative to the source directory or absolute, or none. */
    private String config;
    /** {@code batch_first} or {@code sequence_first}: the layout of the flat forward buffers; default the format's. */
    private String layout;
    /** ONNX: the tensor to compile from, read as the model's float input; default the graph inputs. */
    private String from;
    /** ONNX: the tensor to compile up to, the model's output; default the graph outputs. */
    private String to;
    /** PyTorch {@code nn.RNN} state dicts: {@code tanh} or {@code relu} (not stored in the file); default tanh. */
    private String rnnNonlinearity;

    public String getRnnNonlinearity() {
        return rnnNonlinearity;
    }

    public void setRnnNonlinearity(String rnnNonlinearity) {
        this.rnnNonlinearity = rnnNonlinearity;
    }

    public String getFrom() {
        return from;
    }

    public void setFrom(String from) {
        this.from = from;
    }

    public String getTo() {
        return to;
    }

    public void setTo(String to) {
        this.to = to;
    }

    public String getLayout() {
        return layout;
    }

    public void setLayout(String layout) {
        this.layout = layout;
    }

    public String getFile() {
        return file;
    }

    public void setFile(String file) {
        this.file = file;
    }

    public String getClassName() {
        return className;
    }

    public void setClassName(String className) {
        this.className = className;
    }

    public String getPrefix() {
        return prefix;
    }

    public void setPrefix(String prefix) {
        this.prefix = prefix;
    }

    public String getConfig() {
        return config;
    }

    public void setConfig(String config) {
        this.config = config;
    }

    /** Builder-style setters for tests and programmatic use. */
    ModelConfiguration with(String newFile, String newClassName, String newPrefix, String newConfig) {
        this.file = newFile;
        this.className = newClassName;
        this.prefix = newPrefix;
        this.config = newConfig;
        return this;
    }
}
