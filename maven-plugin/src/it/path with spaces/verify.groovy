// Spaces in the project directory, the model directory, the model name and the output directory.
assert basedir.name.contains(' ')
def source = new File(basedir, 'target/generated sources/lstm/com/example/models/MyModel.java')
assert source.isFile() : "missing $source"
assert new File(basedir, 'target/classes/com/example/models/MyModel.class').isFile()
assert new File(basedir, 'target/classes/com/example/App.class').isFile()
return true
