package dev.aether.testkit.process;

import java.util.concurrent.CountDownLatch;

/**
 * The child process of {@link JvmProcessTest}: {@code WaitingMain <mode>} prints {@code READY} (unless mode is
 * {@code silent}) and waits forever. On SIGTERM its shutdown hook prints {@code BYE} and exits, or, in mode {@code stubborn}, never returns.
 */
public final class WaitingMain {

    private WaitingMain() {
    }

    /**
     * Runs the child.
     *
     * @param args the mode: {@code polite}, {@code stubborn} or {@code silent}
     * @throws Exception never expected
     */
    public static void main(String[] args) throws Exception {
        String mode = args[0];
        CountDownLatch never = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.out.println("BYE");
            System.out.flush();
            if (mode.equals("stubborn")) {
                try {
                    never.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }));
        if (!mode.equals("silent")) {
            System.out.println("READY");
            System.out.flush();
        }
        never.await();
    }
}
