/** JVM start to the first output of the generated model: one step of one sequence. */
public final class FirstOutput {
    public static void main(String[] args) {
        io.github.lstmc.runtime.LstmNetwork network = new coldstart.Big();
        float[][][] input = new float[1][1][network.inputSize()];
        input[0][0][0] = 1f;
        System.out.println(network.forward(input)[0][0][0]);
    }
}
