package dev.aether.testkit.nats;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * A few lines of the NATS text protocol, enough for the fixture tests to read INFO, create a JetStream
 * stream and publish with an acknowledgement, without depending on jnats (which depends on us).
 */
final class RawNatsClient implements AutoCloseable {

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    private final String info;
    private int nextSid = 1;

    private RawNatsClient(Socket socket) throws IOException {
        this.socket = socket;
        this.socket.setSoTimeout(5_000);
        this.in = new BufferedInputStream(socket.getInputStream());
        this.out = socket.getOutputStream();
        this.info = readLine();
    }

    /** Connects, reads INFO and completes the CONNECT / PING / PONG handshake. */
    static RawNatsClient connect(int port) throws IOException {
        RawNatsClient client = new RawNatsClient(new Socket("127.0.0.1", port));
        client.write("CONNECT {\"verbose\":false,\"pedantic\":false}\r\nPING\r\n");
        client.awaitLine("PONG");
        return client;
    }

    /** Returns the first line the server sent, {@code INFO {...}}. */
    String info() {
        return info;
    }

    /** Sends a request and returns the reply payload. */
    String request(String subject, String payload) throws IOException {
        int sid = nextSid++;
        String inbox = "_INBOX.fixture." + sid;
        byte[] body = payload.getBytes(StandardCharsets.UTF_8);
        write("SUB " + inbox + " " + sid + "\r\nPUB " + subject + " " + inbox + " " + body.length + "\r\n"
                + payload + "\r\n");
        while (true) {
            String line = readLine();
            if (line.equals("PING")) {
                write("PONG\r\n");
            } else if (line.startsWith("MSG ")) {
                String[] parts = line.split(" ");
                int size = Integer.parseInt(parts[parts.length - 1]);
                String reply = new String(in.readNBytes(size), StandardCharsets.UTF_8);
                in.readNBytes(2);
                return reply;
            } else if (line.startsWith("-ERR")) {
                throw new IOException(line);
            }
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }

    private void awaitLine(String expected) throws IOException {
        String line;
        do {
            line = readLine();
            if (line.startsWith("-ERR")) {
                throw new IOException(line);
            }
        } while (!line.equals(expected));
    }

    private void write(String text) throws IOException {
        out.write(text.getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    private String readLine() throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) != '\n') {
            if (b == -1) {
                throw new IOException("connection closed");
            }
            line.write(b);
        }
        return line.toString(StandardCharsets.UTF_8).stripTrailing();
    }
}
