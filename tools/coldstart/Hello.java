/** The baseline: a JVM that starts and prints. */
public final class Hello {
    public static void main(String[] args) {
        System.out.println("hello");
    }
}
