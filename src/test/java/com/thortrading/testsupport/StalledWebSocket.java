package com.thortrading.testsupport;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * A websocket client that sends what it is told and never reads another byte after the handshake: the
 * slowest client there is. (Library clients keep reading into their own memory when paused.)
 */
public final class StalledWebSocket implements AutoCloseable {

  private final Socket socket;
  private final OutputStream out;
  private final SecureRandom random = new SecureRandom();

  public StalledWebSocket(String host, int port, String path) throws IOException {
    socket = new Socket(host, port);
    socket.setReceiveBufferSize(16 * 1024); // a small window, so the server feels it soon
    out = socket.getOutputStream();
    byte[] key = new byte[16];
    random.nextBytes(key);
    String request = "GET " + path + " HTTP/1.1\r\nHost: " + host + ":" + port + "\r\nUpgrade: websocket\r\n"
        + "Connection: Upgrade\r\nSec-WebSocket-Key: " + Base64.getEncoder().encodeToString(key)
        + "\r\nSec-WebSocket-Version: 13\r\n\r\n";
    out.write(request.getBytes(StandardCharsets.US_ASCII));
    out.flush();
    String response = readHeaders(socket.getInputStream());
    if (!response.startsWith("HTTP/1.1 101")) {
      throw new IOException("handshake refused: " + response);
    }
  }

  private static String readHeaders(InputStream in) throws IOException {
    ByteArrayOutputStream headers = new ByteArrayOutputStream();
    int matched = 0;
    byte[] end = {'\r', '\n', '\r', '\n'};
    while (matched < 4) {
      int b = in.read();
      if (b < 0) {
        throw new IOException("connection closed during handshake");
      }
      headers.write(b);
      matched = b == end[matched] ? matched + 1 : (b == '\r' ? 1 : 0);
    }
    return headers.toString(StandardCharsets.US_ASCII);
  }

  /** Sends one masked text frame, as a client must. */
  public void sendText(String text) throws IOException {
    sendFrame(0x81, text.getBytes(StandardCharsets.UTF_8));
  }

  /** Sends a text message in fragments of {@code fragment} bytes each (a text frame, then continuations). */
  public void sendFragmented(byte[] message, int fragment) throws IOException {
    for (int at = 0; at < message.length; at += fragment) {
      int end = Math.min(message.length, at + fragment);
      int opcode = at == 0 ? 0x1 : 0x0;
      sendFrame((end == message.length ? 0x80 : 0) | opcode, java.util.Arrays.copyOfRange(message, at, end));
    }
  }

  /** Whether the server has closed the connection: a read sees its end (or a reset) within the timeout. */
  public boolean closedByServer(int timeoutMs) {
    try {
      socket.setSoTimeout(timeoutMs);
      java.io.InputStream in = socket.getInputStream();
      byte[] buffer = new byte[8192];
      while (true) {
        if (in.read(buffer) < 0) {
          return true;
        }
      }
    } catch (java.net.SocketTimeoutException stillOpen) {
      return false;
    } catch (IOException reset) {
      return true;
    }
  }

  private void sendFrame(int first, byte[] payload) throws IOException {
    ByteArrayOutputStream frame = new ByteArrayOutputStream();
    frame.write(first);
    if (payload.length < 126) {
      frame.write(0x80 | payload.length);
    } else if (payload.length < 65536) {
      frame.write(0x80 | 126);
      frame.write(payload.length >> 8);
      frame.write(payload.length & 0xff);
    } else {
      frame.write(0x80 | 127);
      for (int shift = 56; shift >= 0; shift -= 8) {
        frame.write((int) ((long) payload.length >> shift) & 0xff);
      }
    }
    byte[] mask = new byte[4];
    random.nextBytes(mask);
    frame.write(mask);
    for (int i = 0; i < payload.length; i++) {
      frame.write(payload[i] ^ mask[i % 4]);
    }
    out.write(frame.toByteArray());
    out.flush();
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
