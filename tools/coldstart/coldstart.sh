#!/usr/bin/env bash
# Cold start: JVM start -> first output of a generated 1 M-parameter model (bytecode back end by
# default), against a hello-world JVM, each with and without AppCDS (a dynamic archive written by
# -XX:ArchiveClassesAtExit on a first run). Wall time from launching `java` to its first line of
# output (and, for reference, to its exit), median of RUNS.
#
#   tools/coldstart/coldstart.sh [RUNS] [BACKEND] [WEIGHTS]      (defaults: 15 bytecode fp32)
#
# Needs JDK 13+ (dynamic AppCDS) and a built tree: mvn -B -o -q -pl runtime,compiler install -DskipTests
set -euo pipefail
RUNS=${1:-15}
BACKEND=${2:-bytecode}
WEIGHTS=${3:-fp32}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
WORK=$(mktemp -d "${TMPDIR:-/tmp}/lstmc-coldstart.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
RUNTIME=$(ls "$ROOT"/runtime/target/lstmc-runtime-*.jar | grep -v sources | head -1)
COMPILER="$ROOT/compiler/target/lstmc.jar"

javac -d "$WORK/tool" -cp "$COMPILER" "$ROOT/tools/coldstart/GenerateModel.java"
java -cp "$COMPILER:$WORK/tool" GenerateModel "$WORK/model" "$BACKEND" "$WEIGHTS"
if [ "$BACKEND" = source ]; then
  javac --release 8 -nowarn -d "$WORK/model" -cp "$RUNTIME" "$WORK/model/coldstart/Big.java" 2>/dev/null
  rm "$WORK/model/coldstart/Big.java"
fi
# one jar per program, as an application would ship (AppCDS archives classes from jars only)
javac --release 8 -d "$WORK/app" -cp "$RUNTIME:$WORK/model" "$ROOT/tools/coldstart/FirstOutput.java" \
    "$ROOT/tools/coldstart/Hello.java"
cp -r "$WORK/model/coldstart" "$WORK/app/"
(cd "$WORK/app" && jar cf "$WORK/model.jar" FirstOutput.class coldstart && jar cf "$WORK/hello.jar" Hello.class)
echo "class file: $(stat -c %s "$WORK"/model/coldstart/Big.class) bytes; $(java -version 2>&1 | head -1); $(nproc) cores"

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
# One run: milliseconds from launching java to its first line of output, then to its exit. They
# differ because a JVM that exits waits for compilations in progress (VM_Exit waits for compiler
# threads), which the model still has, the hello world not.
run_once() {
  local t0 t1 t2
  t0=$(date +%s%N)
  "$@" | { IFS= read -r _; date +%s%N > "$WORK/first"; cat > /dev/null; }
  t2=$(date +%s%N)
  t1=$(cat "$WORK/first")
  echo "$(( (t1 - t0) / 1000000 )) $(( (t2 - t0) / 1000000 ))"
}
measure() { # label, then the java command
  local label=$1; shift
  for _ in $(seq "$RUNS"); do run_once "$@"; done > "$WORK/$label.runs"
  awk '{print $1}' "$WORK/$label.runs" | median > "$WORK/$label.ms"
  awk '{print $2}' "$WORK/$label.runs" | median > "$WORK/$label.exit"
  printf '%-14s first output %5d ms   exit %5d ms\n' "$label" "$(cat "$WORK/$label.ms")" "$(cat "$WORK/$label.exit")"
}
java -XX:ArchiveClassesAtExit="$WORK/hello.jsa" -cp "$WORK/hello.jar" Hello > /dev/null 2>&1
java -XX:ArchiveClassesAtExit="$WORK/model.jsa" -cp "$WORK/model.jar:$RUNTIME" FirstOutput > /dev/null 2>&1
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
measure hello java -cp "$WORK/hello.jar" Hello
measure model java -cp "$WORK/model.jar:$RUNTIME" FirstOutput
measure hello-appcds java -XX:SharedArchiveFile="$WORK/hello.jsa" -cp "$WORK/hello.jar" Hello
measure model-appcds java -XX:SharedArchiveFile="$WORK/model.jsa" -cp "$WORK/model.jar:$RUNTIME" FirstOutput
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
ratio() { awk -v a="$(cat "$WORK/model$1")" -v b="$(cat "$WORK/hello$1")" -v c="$(cat "$WORK/model-appcds$1")" \
    -v d="$(cat "$WORK/hello-appcds$1")" -v w="$2" 'BEGIN { printf "ratio to %s: %.2fx without AppCDS, %.2fx with\n", w, a / b, c / d }'; }
ratio .ms "first output"
ratio .exit "exit"
