// Incremental behaviour across real builds. The invoker's build generated both models; this script
// then runs Maven twice more in the same project:
//   2. nothing changed                    -> nothing regenerated, no file rewritten, javac idle
//   3. alpha's bytes change, beta deleted -> only Alpha regenerated, Beta's generated source removed
import java.nio.file.Files
import java.nio.file.attribute.FileTime

def models = new File(basedir, 'target/generated-sources/lstm/com/example/models')
def alpha = new File(models, 'Alpha.java')
def beta = new File(models, 'Beta.java')
assert alpha.isFile() && beta.isFile()
def stateDir = new File(basedir, 'target/lstmc-state')
def states = stateDir.listFiles()
assert states != null && states.length == 1 : "expected one state file in $stateDir"
def state = states[0]

// The same repositories as the invoker's build: the user's local repository mirrors everything.
def settings = new File(basedir, 'target/nested-settings.xml')
settings.text = """<settings><mirrors><mirror><id>user-local-repository</id><mirrorOf>*</mirrorOf>
<url>${new File(userLocalRepository).toURI()}</url></mirror></mirrors></settings>"""

def mvn = { int n ->
    def log = new File(basedir, "build-${n}.log")
    def exe = new File(mavenHome, 'bin/mvn').absolutePath
    def pb = new ProcessBuilder(exe, '-B', '-o', '-s', settings.absolutePath,
            "-Dmaven.repo.local=${localRepositoryPath.absolutePath}", 'compile')
    pb.directory(basedir).redirectErrorStream(true).redirectOutput(log)
    pb.environment().put('MAVEN_OPTS', '-XX:TieredStopAtLevel=1 -XX:+UseSerialGC')
    int code = pb.start().waitFor()
    def text = log.text
    assert code == 0 : "build $n failed:\n$text"
    return text
}
def old = FileTime.fromMillis(1_000_000_000_000L)
def age = { File f -> Files.setLastModifiedTime(f.toPath(), old) }
def mtime = { File f -> Files.getLastModifiedTime(f.toPath()) }

// 2. Up to date.
def alphaText = alpha.text
[alpha, beta, state].each(age)
def log2 = mvn(2)
assert log2.contains('lstmc: 2 model(s): 0 generated, 2 up to date, 0 file(s) removed') : log2
assert !log2.contains('lstmc: generated')
assert [alpha, beta, state].every { mtime(it) == old } : 'an up-to-date build rewrote a file'
assert alpha.text == alphaText
assert log2.contains('Nothing to compile') : 'javac should have had nothing to do'

// 3. A changed model and a deleted one.
Files.copy(new File(basedir, 'changes/alpha.safetensors').toPath(),
        new File(basedir, 'src/main/lstm/alpha.safetensors').toPath(),
        java.nio.file.StandardCopyOption.REPLACE_EXISTING)
assert new File(basedir, 'src/main/lstm/beta.safetensors').delete()
def log3 = mvn(3)
assert log3.contains('lstmc: generated alpha.safetensors') : log3
assert log3.contains('lstmc: removed Beta.java') : log3
assert log3.contains('lstmc: 1 model(s): 1 generated, 0 up to date, 1 file(s) removed') : log3
assert alpha.text != alphaText : 'Alpha.java did not change with its weights'
assert !beta.exists()
return true
