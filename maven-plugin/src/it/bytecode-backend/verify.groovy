// Bytecode back end: .class files straight into target/classes at class file version 52 (Java 8);
// no Java source is generated, and the user's code compiles against the class.
def cls = new File(basedir, 'target/classes/com/example/models/SpeechTagger.class')
assert cls.isFile() : "missing $cls"
def bytes = cls.bytes
assert (bytes[0] & 0xff) == 0xCA && (bytes[1] & 0xff) == 0xFE
int major = ((bytes[6] & 0xff) << 8) | (bytes[7] & 0xff)
assert major == 52 : "class file version $major, expected 52 (Java 8)"
def sources = new File(basedir, 'target/generated-sources/lstm')
assert !sources.exists() || !sources.listFiles().any() : 'bytecode back end wrote sources'
assert new File(basedir, 'target/classes/com/example/App.class').isFile()

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
