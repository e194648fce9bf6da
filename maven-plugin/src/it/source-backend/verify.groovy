// Source back end: .java under target/generated-sources/lstm, compiled with the project's own
// code (as Java 8); the test-scope twin writes under generated-test-sources.
def models = new File(basedir, 'target/generated-sources/lstm/com/example/models')
def source = new File(models, 'SpeechTagger.java')
assert source.isFile() : "missing $source"
assert source.text.contains('class SpeechTagger')
assert new File(basedir, 'target/classes/com/example/models/SpeechTagger.class').isFile()
assert new File(basedir, 'target/classes/com/example/App.class').isFile()
assert new File(basedir, 'target/generated-test-sources/lstm/com/example/models/TestProbe.java').isFile()
assert new File(basedir, 'target/test-classes/com/example/models/TestProbe.class').isFile()
assert new File(basedir, 'target/test-classes/com/example/ProbeUser.class').isFile()
assert !new File(basedir, 'target/classes/com/example/models/TestProbe.class').exists() : 'test model leaked into main'
def log = new File(basedir, 'build.log').text
assert log.contains('lstmc: generated speech_tagger.safetensors')
// The other formats: a Burn config beside its weights is one model (named after the weights), an ONNX file another.
assert log.contains('lstmc: 3 model(s): 3 generated, 0 up to date, 0 file(s) removed')
assert new File(basedir, 'target/classes/com/example/models/BurnCell.class').isFile()
assert new File(basedir, 'target/classes/com/example/models/Bidirectional.class').isFile()

// The generated model, loaded from target/classes with the runtime jar, gives PyTorch's numbers.
def runtimeJar = new File(localRepositoryPath,
        "io/github/lstmc/lstmc-runtime/${projectVersion}/lstmc-runtime-${projectVersion}.jar")
assert runtimeJar.isFile() : "no runtime jar at $runtimeJar"
def lines = new File(basedir, 'expected.txt').readLines()
def flatIn = lines[0].trim().split(' ').collect { it as float }
def flatOut = lines[1].trim().split(' ').collect { it as float }
float[][][] input = new float[1][4][2]
for (int t = 0; t < 4; t++) { for (int i = 0; i < 2; i++) { input[0][t][i] = flatIn[t * 2 + i] } }
def loader = new URLClassLoader([new File(basedir, 'target/classes').toURI().toURL(),
                                 runtimeJar.toURI().toURL()] as URL[], ClassLoader.getPlatformClassLoader())
def app = loader.loadClass('com.example.App')
float[][][] output = app.getMethod('run', float[][][].class).invoke(null, [input] as Object[])
for (int t = 0; t < 4; t++) {
    for (int h = 0; h < 3; h++) {
        float want = flatOut[t * 3 + h]
        assert Math.abs(output[0][t][h] - want) <= 1e-5f : "y[0][$t][$h] = ${output[0][t][h]}, PyTorch says $want"
    }
}
loader.close()
return true
