package dev.taidon.core.web;

import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Iterator;
import java.util.stream.Stream;
import tools.jackson.databind.json.JsonMapper;

/**
 * Answers with a stream as newline-delimited JSON, one element per line, each flushed as it comes.
 * The stream is closed at the end or when the client goes away (the write fails), which lets its
 * producer stop.
 */
public final class Ndjson {
  public static final String MEDIA_TYPE = "application/x-ndjson";

  private Ndjson() {}

  public static void write(Stream<?> elements, HttpServletResponse response, JsonMapper json) throws IOException {
    try (elements) {
      response.setStatus(200);
      response.setContentType(MEDIA_TYPE);
      response.setHeader("Cache-Control", "no-store");
      // Proxies must pass lines on as they come rather than buffer the response.
      response.setHeader("X-Accel-Buffering", "no");
      OutputStream out = response.getOutputStream();
      Iterator<?> iterator = elements.iterator();
      while (iterator.hasNext()) {
        out.write(json.writeValueAsBytes(iterator.next()));
        out.write('\n');
        out.flush();
      }
    }
  }
}
