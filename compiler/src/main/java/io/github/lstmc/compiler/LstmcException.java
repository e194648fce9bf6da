package io.github.lstmc.compiler;

/**
 * A problem with user input (a model file, a config, an argument) that lstmc reports as one
 * line naming the file and the field, e.g. {@code model.safetensors: tensor 'weight_hh_l0' must be
 * [64, 16], got [64, 15]}. The CLI prints it after {@code error: } and exits with status 2.
 */
public class LstmcException extends Exception {
    private static final long serialVersionUID = 1L;

    public LstmcException(String message) {
        super(message);
    }

    public LstmcException(String message, Throwable cause) {
        super(message, cause);
    }
}
