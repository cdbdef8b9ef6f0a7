package dev.sessionkit.examples.portal;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;

/** Request bodies: read with a limit, and what to do with an unread one before a refusal. */
public final class Bodies {

    /** The largest body accepted: 8 KiB. */
    public static final int MAX_BYTES = 8 * 1024;

    private Bodies() {
    }

    /**
     * Reads a body of at most {@link #MAX_BYTES}.
     *
     * @param declaredLength the {@code Content-Length}, or -1 when unknown (chunked)
     * @throws PortalException {@code payload_too_large} as soon as the body is known to be longer
     */
    public static byte[] read(InputStream body, long declaredLength) throws IOException {
        if (declaredLength > MAX_BYTES) {
            throw PortalException.payloadTooLarge();
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(declaredLength > 0 ? (int) declaredLength : 256);
        byte[] buffer = new byte[2048];
        int n;
        while ((n = body.read(buffer)) > 0) {
            if (out.size() + n > MAX_BYTES) {
                throw PortalException.payloadTooLarge();
            }
            out.write(buffer, 0, n);
        }
        return out.toByteArray();
    }

    /**
     * Before a refusal is written: reads and drops what is left of a small body, so the
     * connection can carry the client's next request; a body over {@link #MAX_BYTES} is left
     * unread and the connection is closed after the answer instead.
     */
    public static void discardRest(HttpServletRequest request, HttpServletResponse response) {
        if (request.getContentLengthLong() > MAX_BYTES) {
            response.setHeader("Connection", "close");
            return;
        }
        try {
            InputStream in = request.getInputStream();
            byte[] buffer = new byte[2048];
            long total = 0;
            int n;
            while ((n = in.read(buffer)) > 0) {
                total += n;
                if (total > MAX_BYTES) {
                    response.setHeader("Connection", "close");
                    return;
                }
            }
        } catch (IOException | IllegalStateException e) {
            // nothing more to read, or the body was read as characters: either way, done
            response.setHeader("Connection", "close");
        }
    }
}
