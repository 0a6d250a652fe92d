package dev.identityservice.server.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A TCP forwarder on 127.0.0.1 in front of a real server (PostgreSQL), to take that server away and bring it back:
 * {@link #cut()} closes every forwarded connection and stops listening, so that new connections are refused as
 * when the database host is down; {@link #stall()} resets them too but accepts new connections and never answers
 * them, as a host that hangs (a client waits for its own timeout); {@link #restore()} forwards again, on the same port.
 */
public final class TcpProxy implements AutoCloseable {

    private final InetSocketAddress target;
    private final int port;
    private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
    private final Set<Socket> held = ConcurrentHashMap.newKeySet();
    private volatile ServerSocket listener;
    private volatile boolean stalled;

    private TcpProxy(InetSocketAddress target, ServerSocket listener) {
        this.target = target;
        this.listener = listener;
        this.port = listener.getLocalPort();
        accept(listener);
    }

    /** Forwards a free port of 127.0.0.1 to {@code host:port}. */
    public static TcpProxy to(String host, int port) throws IOException {
        return new TcpProxy(new InetSocketAddress(host, port), bind(0));
    }

    /** The port the proxy listens on (the same after {@link #restore()}). */
    public int port() {
        return port;
    }

    /** Resets every forwarded connection and refuses new ones. */
    public synchronized void cut() throws IOException {
        listener.close();
        resetForwarded();
    }

    /** Resets every forwarded connection and accepts new ones without ever answering them. */
    public synchronized void stall() {
        stalled = true;
        resetForwarded();
    }

    private void resetForwarded() {
        for (Socket socket : sockets) {
            try {
                socket.setSoLinger(true, 0); // RST, as a host that went away
                socket.close();
            } catch (IOException ignored) {
                // Already closed.
            }
        }
        sockets.clear();
    }

    /** Accepts and forwards connections again, on the same port; the connections held by a stall are closed. */
    public synchronized void restore() throws IOException {
        stalled = false;
        held.forEach(TcpProxy::closeQuietly);
        held.clear();
        if (listener.isClosed()) {
            listener = bind(port);
            accept(listener);
        }
    }

    private static ServerSocket bind(int port) throws IOException {
        ServerSocket socket = new ServerSocket();
        socket.setReuseAddress(true);
        socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
        return socket;
    }

    private void accept(ServerSocket serverSocket) {
        Thread acceptor = new Thread(() -> {
            while (!serverSocket.isClosed()) {
                try {
                    Socket client = serverSocket.accept();
                    if (takenByCutOrStall(serverSocket, client)) {
                        continue;
                    }
                    Socket upstream = new Socket();
                    try {
                        upstream.connect(target, 5_000);
                    } catch (IOException refused) {
                        closeQuietly(client);
                        continue;
                    }
                    // A cut() or stall() while the upstream connection was being made takes this one too (one that
                    // slipped through a cut let a test's database "outage" answer): checked and registered under the
                    // proxy's lock, which cut() and stall() hold.
                    synchronized (this) {
                        if (takenByCutOrStall(serverSocket, client)) {
                            closeQuietly(upstream);
                            continue;
                        }
                        sockets.add(client);
                        sockets.add(upstream);
                    }
                    pump(client, upstream);
                    pump(upstream, client);
                } catch (IOException closed) {
                    // The listener was closed by cut(), or the target refused: the client sees its socket close.
                }
            }
        }, "tcp-proxy-accept");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /** Holds {@code client} during a stall or closes it after a cut (true); false when it is to be forwarded. */
    private synchronized boolean takenByCutOrStall(ServerSocket serverSocket, Socket client) {
        if (stalled) {
            held.add(client);
            return true;
        }
        if (serverSocket.isClosed()) {
            closeQuietly(client);
            return true;
        }
        return false;
    }

    private void pump(Socket from, Socket to) {
        Thread pump = new Thread(() -> {
            byte[] buffer = new byte[8192];
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                int n;
                while ((n = in.read(buffer)) >= 0) {
                    out.write(buffer, 0, n);
                    out.flush();
                }
            } catch (IOException closed) {
                // One side went away; closing both below ends the other pump.
            } finally {
                closeQuietly(from);
                closeQuietly(to);
                sockets.remove(from);
                sockets.remove(to);
            }
        }, "tcp-proxy-pump");
        pump.setDaemon(true);
        pump.start();
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException ignored) {
            // Already closed.
        }
    }

    @Override
    public void close() throws IOException {
        cut();
        held.forEach(TcpProxy::closeQuietly);
        held.clear();
    }
}
