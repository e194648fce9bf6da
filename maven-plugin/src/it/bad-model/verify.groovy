// A model with inconsistent shapes fails the build. Maven's error line carries the compiler's
// one-line message naming the file; no stack trace; the good model beside it is still generated.
def log = new File(basedir, 'build.log').readLines()
def failure = log.find { it.startsWith('[ERROR] Failed to execute goal io.github.lstmc:lstmc-maven-plugin') }
assert failure != null : 'no plugin failure in build.log'
assert failure.contains('broken_shapes.safetensors') : "message does not name the file: $failure"
assert failure.contains('weight_ih_l0') || failure.contains('shape') : "message does not say what is wrong: $failure"
// The second bad model's line follows: an activation Burn does not have, named in its config.
def activation = log.find { it.startsWith('[ERROR] ') && it.contains('odd_activation.json') }
assert activation != null && activation.contains('Swoosh') : "no one-line message for the unknown activation"
assert !log.any { it.trim().startsWith('at io.github.lstmc') } : 'stack trace in the build output'
assert new File(basedir, 'target/generated-sources/lstm/com/example/models/Fine.java').isFile()
assert !new File(basedir, 'target/generated-sources/lstm/com/example/models/BrokenShapes.java').exists()
return true
