package dev.sessionkit.testkit;

import java.io.FilterInputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.util.Objects;
import java.util.concurrent.atomic.LongAdder;
import javax.net.SocketFactory;

/**
 * Counts network round trips where they happen: at the socket. A driver that takes a
 * {@link SocketFactory} by class name (pgjdbc's {@code socketFactory} connection property) gets
 * {@link Factory}, whose sockets count one round trip each time the client reads after having
 * written: it sent something and now waits for the answer. Pipelined messages (pgjdbc's
 * Parse/Bind/Execute/Sync in one flush) are one round trip; a Describe and Sync that must be
 * answered before the Bind is sent makes two.
 *
 * <p>Round trips are counted per thread (the thread that reads the answer, which with JDBC is the
 * thread that executes the statement) and in total; {@link CountingDataSource#atSocket(javax.sql.DataSource)}
 * reads the per-thread count around each statement, so a pool's own validation queries, made in
 * {@code getConnection}, do not count. Thread-safe.
 */
public final class SocketRoundTrips {

    /** The connection properties that make pgjdbc open its sockets through {@link Factory}. */
    public static final String PGJDBC_PARAMETERS = "socketFactory=" + Factory.class.getName();

    private static final LongAdder TOTAL = new LongAdder();
    private static final ThreadLocal<long[]> THIS_THREAD = ThreadLocal.withInitial(() -> new long[1]);

    private SocketRoundTrips() {
    }

    /**
     * {@code jdbcUrl} with {@link #PGJDBC_PARAMETERS} appended.
     *
     * @throws NullPointerException if {@code jdbcUrl} is null
     */
    public static String pgjdbcUrl(String jdbcUrl) {
        Objects.requireNonNull(jdbcUrl, "jdbcUrl");
        return jdbcUrl + (jdbcUrl.contains("?") ? "&" : "?") + PGJDBC_PARAMETERS;
    }

    /** Round trips made by the calling thread on sockets of {@link Factory}, since it started. */
    public static long ofThisThread() {
        return THIS_THREAD.get()[0];
    }

    /** Round trips made by every thread on sockets of {@link Factory}. */
    public static long total() {
        return TOTAL.sum();
    }

    private static void count() {
        THIS_THREAD.get()[0]++;
        TOTAL.increment();
    }

    /**
     * The socket factory to name in a driver's settings; it needs a public no-argument
     * constructor, which drivers call reflectively.
     */
    public static final class Factory extends SocketFactory {

        /** Called by the driver. */
        public Factory() {
        }

        @Override
        public Socket createSocket() {
            return new CountingSocket();
        }

        @Override
        public Socket createSocket(String host, int port) throws IOException {
            Socket socket = new CountingSocket();
            socket.connect(new java.net.InetSocketAddress(host, port));
            return socket;
        }

        @Override
        public Socket createSocket(String host, int port, InetAddress localHost, int localPort) throws IOException {
            Socket socket = new CountingSocket();
            socket.bind(new java.net.InetSocketAddress(localHost, localPort));
            socket.connect(new java.net.InetSocketAddress(host, port));
            return socket;
        }

        @Override
        public Socket createSocket(InetAddress host, int port) throws IOException {
            Socket socket = new CountingSocket();
            socket.connect(new java.net.InetSocketAddress(host, port));
            return socket;
        }

        @Override
        public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort)
                throws IOException {
            Socket socket = new CountingSocket();
            socket.bind(new java.net.InetSocketAddress(localAddress, localPort));
            socket.connect(new java.net.InetSocketAddress(address, port));
            return socket;
        }
    }

    /** A plain socket whose streams note writes and count the first read after them. */
    private static final class CountingSocket extends Socket {

        /** Written since the last read; a connection is used by one thread at a time. */
        private volatile boolean wrote;
        private InputStream input;
        private OutputStream output;

        @Override
        public synchronized InputStream getInputStream() throws IOException {
            if (input == null) {
                input = new FilterInputStream(super.getInputStream()) {
                    @Override
                    public int read() throws IOException {
                        answered();
                        return super.read();
                    }

                    @Override
                    public int read(byte[] b, int off, int len) throws IOException {
                        answered();
                        return super.read(b, off, len);
                    }
                };
            }
            return input;
        }

        @Override
        public synchronized OutputStream getOutputStream() throws IOException {
            if (output == null) {
                output = new FilterOutputStream(super.getOutputStream()) {
                    @Override
                    public void write(int b) throws IOException {
                        wrote = true;
                        super.out.write(b);
                    }

                    @Override
                    public void write(byte[] b, int off, int len) throws IOException {
                        wrote = true;
                        super.out.write(b, off, len);
                    }
                };
            }
            return output;
        }

        private void answered() {
            if (wrote) {
                wrote = false;
                count();
            }
        }
    }
}
