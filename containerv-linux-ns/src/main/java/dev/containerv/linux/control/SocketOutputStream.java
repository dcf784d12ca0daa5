package dev.containerv.linux.control;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;

/**
 * A program's stdin over its stream socket: writes go straight to the socket; close shuts the writing side
 * first, so the program reads end-of-file even while the connection's other direction is still in use.
 */
public final class SocketOutputStream extends OutputStream {
    private final SocketChannel channel;

    public SocketOutputStream(SocketChannel channel) {
        this.channel = channel;
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        ByteBuffer buf = ByteBuffer.wrap(b, off, len);
        while (buf.hasRemaining()) {
            channel.write(buf);
        }
    }

    @Override
    public void close() throws IOException {
        if (channel.isOpen()) {
            try {
                channel.shutdownOutput();
            } finally {
                channel.close();
            }
        }
    }
}
