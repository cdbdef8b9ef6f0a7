package dev.sessionkit.servlet;

import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpServletResponseWrapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;

/**
 * The response the chain sees: it commits the session before anything can commit the response,
 * so the {@code Set-Cookie} header is always on it, and a store failure surfaces while the response
 * can still become a 503.
 *
 * <p>The container commits a response when it is flushed, redirected or sent an error, and when its
 * body fills the buffer or reaches the declared length. The first three are calls on this wrapper;
 * for the last two it counts what is written (for the writer, characters times the charset's
 * maximum bytes per character, erring early) and commits the session before the write that could
 * commit the response.
 */
final class SessionResponse extends HttpServletResponseWrapper {

    private static final String CONTENT_LENGTH = "Content-Length";

    private final RequestSession state;
    private long contentLength = -1;
    private long written;
    private ServletOutputStream stream;
    private PrintWriter writer;

    SessionResponse(HttpServletResponse response, RequestSession state) {
        super(response);
        this.state = state;
    }

    /** Commits the session unless the response is already committed (then it is too late, and done). */
    void commitSession() {
        if (!isCommitted()) {
            state.commitBeforeResponse();
        }
    }

    /** Counts {@code bytes} about to be written, committing the session first when they could commit the response. */
    void beforeWrite(long bytes) {
        if (isCommitted()) {
            return;
        }
        written += bytes;
        long limit = getBufferSize();
        if (contentLength >= 0 && contentLength < limit) {
            limit = contentLength;
        }
        if (written >= limit) {
            state.commitBeforeResponse();
        }
    }

    @Override
    public void flushBuffer() throws IOException {
        commitSession();
        super.flushBuffer();
    }

    @Override
    public void sendRedirect(String location) throws IOException {
        commitSession();
        if (!state.answerLoginRefused()) {
            super.sendRedirect(location);
        }
    }

    @Override
    public void sendError(int status) throws IOException {
        commitSession();
        if (!state.answerLoginRefused()) {
            super.sendError(status);
        }
    }

    @Override
    public void sendError(int status, String message) throws IOException {
        commitSession();
        if (!state.answerLoginRefused()) {
            super.sendError(status, message);
        }
    }

    @Override
    public void setContentLength(int length) {
        super.setContentLength(length);
        contentLength = length;
    }

    @Override
    public void setContentLengthLong(long length) {
        super.setContentLengthLong(length);
        contentLength = length;
    }

    @Override
    public void setHeader(String name, String value) {
        super.setHeader(name, value);
        lengthHeader(name, value);
    }

    @Override
    public void addHeader(String name, String value) {
        super.addHeader(name, value);
        lengthHeader(name, value);
    }

    @Override
    public void setIntHeader(String name, int value) {
        super.setIntHeader(name, value);
        lengthHeader(name, Integer.toString(value));
    }

    @Override
    public void addIntHeader(String name, int value) {
        super.addIntHeader(name, value);
        lengthHeader(name, Integer.toString(value));
    }

    private void lengthHeader(String name, String value) {
        if (CONTENT_LENGTH.equalsIgnoreCase(name)) {
            try {
                contentLength = value == null ? -1 : Long.parseLong(value.trim());
            } catch (NumberFormatException e) {
                contentLength = -1;
            }
        }
    }

    @Override
    public void reset() {
        super.reset();
        contentLength = -1;
        written = 0;
        state.afterReset();
    }

    @Override
    public void resetBuffer() {
        super.resetBuffer();
        written = 0;
    }

    @Override
    public ServletOutputStream getOutputStream() throws IOException {
        if (stream == null) {
            stream = new CommittingStream(super.getOutputStream());
        }
        return stream;
    }

    @Override
    public PrintWriter getWriter() throws IOException {
        if (writer == null) {
            PrintWriter delegate = super.getWriter();
            float maxBytes = maxBytesPerChar(getCharacterEncoding());
            writer = new PrintWriter(new CommittingWriter(delegate, maxBytes), false);
        }
        return writer;
    }

    private static float maxBytesPerChar(String encoding) {
        try {
            return Charset.forName(encoding).newEncoder().maxBytesPerChar();
        } catch (RuntimeException e) {
            return StandardCharsets.UTF_8.newEncoder().maxBytesPerChar();
        }
    }

    /** The container's stream, with the session committed before anything that can commit the response. */
    private final class CommittingStream extends ServletOutputStream {

        private final ServletOutputStream delegate;

        CommittingStream(ServletOutputStream delegate) {
            this.delegate = delegate;
        }

        @Override
        public void write(int b) throws IOException {
            beforeWrite(1);
            delegate.write(b);
        }

        @Override
        public void write(byte[] bytes, int offset, int length) throws IOException {
            beforeWrite(length);
            delegate.write(bytes, offset, length);
        }

        @Override
        public void flush() throws IOException {
            commitSession();
            delegate.flush();
        }

        @Override
        public void close() throws IOException {
            commitSession();
            delegate.close();
        }

        @Override
        public boolean isReady() {
            return delegate.isReady();
        }

        @Override
        public void setWriteListener(WriteListener listener) {
            delegate.setWriteListener(listener);
        }
    }

    /** The container's writer, counted in estimated bytes, with the session committed before a flush or close. */
    private final class CommittingWriter extends Writer {

        private final PrintWriter delegate;
        private final float maxBytesPerChar;

        CommittingWriter(PrintWriter delegate, float maxBytesPerChar) {
            this.delegate = delegate;
            this.maxBytesPerChar = maxBytesPerChar;
        }

        @Override
        public void write(int c) {
            beforeWrite((long) Math.ceil(maxBytesPerChar));
            delegate.write(c);
        }

        @Override
        public void write(char[] chars, int offset, int length) {
            beforeWrite((long) Math.ceil(length * (double) maxBytesPerChar));
            delegate.write(chars, offset, length);
        }

        @Override
        public void write(String text, int offset, int length) {
            beforeWrite((long) Math.ceil(length * (double) maxBytesPerChar));
            delegate.write(text, offset, length);
        }

        @Override
        public void flush() {
            commitSession();
            delegate.flush();
        }

        @Override
        public void close() {
            commitSession();
            delegate.close();
        }
    }
}
