package dev.taidon.core.remote;

import dev.taidon.core.ErrorCode;
import dev.taidon.core.TaidonException;
import dev.taidon.core.role.RoleStatus;
import dev.taidon.core.web.Problems;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.nio.charset.StandardCharsets;
import java.util.stream.Stream;
import tools.jackson.databind.JavaType;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Calls roles that run in another process. {@link #proxy} returns an implementation of a role's API
 * interface that turns every call into one HTTP request (see {@link RoleRpc}); errors come back as
 * the same {@link TaidonException} the remote role threw, and an unreachable role is
 * {@link ErrorCode#ROLE_UNAVAILABLE}.
 */
public final class RemoteRoleClient {
  private final HttpClient http;
  private final JsonMapper json;
  private final String token;
  private final Duration requestTimeout;

  public RemoteRoleClient(JsonMapper json, String token, Duration connectTimeout, Duration requestTimeout) {
    this.json = json;
    this.token = token;
    this.requestTimeout = requestTimeout;
    this.http = HttpClient.newBuilder().connectTimeout(connectTimeout).version(HttpClient.Version.HTTP_1_1).build();
  }

  /** An implementation of {@code api} whose calls run on {@code role} at {@code baseUrl}. */
  public <T> T proxy(Class<T> api, String role, URI baseUrl) {
    RoleRpc.requireRemotable(api);
    InvocationHandler handler = new Handler(api, role, baseUrl);
    return api.cast(Proxy.newProxyInstance(api.getClassLoader(), new Class<?>[] {api}, handler));
  }

  /** The status of every role served at {@code baseUrl}; {@link ErrorCode#ROLE_UNAVAILABLE} if unreachable. */
  public Map<String, RoleStatus> statuses(URI baseUrl) {
    HttpRequest request = request(baseUrl.resolve(RoleRpc.ROLES_PATH)).GET().build();
    JsonNode body = json.readTree(send(request, "roles at " + baseUrl));
    Map<String, RoleStatus> statuses = new LinkedHashMap<>();
    body.properties().forEach(entry -> statuses.put(entry.getKey(), RoleStatus.valueOf(entry.getValue().asString())));
    return statuses;
  }

  private HttpRequest.Builder request(URI uri) {
    return HttpRequest.newBuilder(uri).timeout(requestTimeout).header(RoleRpc.TOKEN_HEADER, token);
  }

  private byte[] send(HttpRequest request, String what) {
    HttpResponse<byte[]> response;
    try {
      response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
    } catch (ConnectException | HttpConnectTimeoutException e) {
      throw new TaidonException(ErrorCode.ROLE_UNAVAILABLE, what + " unreachable: " + describe(e), e);
    } catch (HttpTimeoutException e) {
      throw new TaidonException(ErrorCode.ROLE_UNAVAILABLE,
          what + " did not answer within " + requestTimeout.toMillis() + " ms", e);
    } catch (IOException e) {
      throw new TaidonException(ErrorCode.ROLE_UNAVAILABLE, what + " failed: " + describe(e), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new TaidonException(ErrorCode.ROLE_UNAVAILABLE, "interrupted while calling " + what, e);
    }
    if (response.statusCode() >= 400) {
      throw remoteError(response, what);
    }
    return response.body();
  }

  private TaidonException remoteError(HttpResponse<byte[]> response, String what) {
    return remoteError(response.statusCode(), response.body(), what);
  }

  private TaidonException remoteError(int status, byte[] body, String what) {
    try {
      JsonNode problem = json.readTree(body);
      ErrorCode code = ErrorCode.fromSlug(problem.path("code").asString(""));
      String detail = problem.path("detail").asString(what + " answered HTTP " + status);
      Map<String, Object> facts = new LinkedHashMap<>();
      problem.properties().forEach(entry -> {
        if (!Problems.STANDARD_MEMBERS.contains(entry.getKey())) {
          facts.put(entry.getKey(), json.treeToValue(entry.getValue(), Object.class));
        }
      });
      return new TaidonException(code, detail, facts, null);
    } catch (JacksonException e) {
      return new TaidonException(ErrorCode.ROLE_UNAVAILABLE,
          what + " answered HTTP " + status + " without a problem document", e);
    }
  }

  /** The NDJSON answer of a method returning a stream, read line by line as the caller consumes it. */
  private Stream<Object> lines(HttpRequest request, Method method, String what) {
    HttpResponse<InputStream> response;
    try {
      response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
    } catch (IOException e) {
      throw new TaidonException(ErrorCode.ROLE_UNAVAILABLE, what + " unreachable: " + describe(e), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new TaidonException(ErrorCode.ROLE_UNAVAILABLE, "interrupted while calling " + what, e);
    }
    InputStream body = response.body();
    if (response.statusCode() >= 400) {
      try (body) {
        throw remoteError(response.statusCode(), body.readNBytes(RoleRpc.MAX_REQUEST_BYTES), what);
      } catch (IOException e) {
        throw new TaidonException(ErrorCode.ROLE_UNAVAILABLE, what + " failed: " + describe(e), e);
      }
    }
    Type element = ((ParameterizedType) method.getGenericReturnType()).getActualTypeArguments()[0];
    JavaType type = json.getTypeFactory().constructType(element);
    BufferedReader reader = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8));
    return reader.lines().filter(line -> !line.isEmpty()).map(line -> (Object) json.readValue(line, type))
        .onClose(() -> {
          try {
            reader.close();
          } catch (IOException ignored) {
            // The connection is going away either way.
          }
        });
  }

  private static String describe(Exception e) {
    return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
  }

  private final class Handler implements InvocationHandler {
    private final Class<?> api;
    private final String role;
    private final URI baseUrl;

    Handler(Class<?> api, String role, URI baseUrl) {
      this.api = api;
      this.role = role;
      this.baseUrl = baseUrl;
    }

    @Override
    public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
      if (method.getDeclaringClass() == Object.class) {
        return switch (method.getName()) {
          case "equals" -> proxy == args[0];
          case "hashCode" -> System.identityHashCode(proxy);
          default -> "remote " + api.getSimpleName() + " of " + role + " at " + baseUrl;
        };
      }
      if (method.isDefault()) {
        return InvocationHandler.invokeDefault(proxy, method, args);
      }
      byte[] body = json.writeValueAsBytes(args == null ? new Object[0] : Arrays.asList(args));
      HttpRequest request = request(baseUrl.resolve(RoleRpc.path(role, api, method.getName())))
          .header("Content-Type", "application/json")
          .header("Accept", "application/json")
          .POST(HttpRequest.BodyPublishers.ofByteArray(body))
          .build();
      if (method.getReturnType() == Stream.class) {
        return lines(request, method, "role " + role + " at " + baseUrl);
      }
      byte[] answer = send(request, "role " + role + " at " + baseUrl);
      if (method.getReturnType() == void.class) {
        return null;
      }
      return json.readValue(answer, json.getTypeFactory().constructType(method.getGenericReturnType()));
    }
  }
}
