package dev.taidon.core.remote;

import dev.taidon.core.ErrorCode;
import dev.taidon.core.TaidonException;
import dev.taidon.core.role.RoleStates;
import dev.taidon.core.role.RoleStatus;
import dev.taidon.core.web.Ndjson;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.util.stream.Stream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Type;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HashMap;
import java.util.Map;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Serves the API interfaces of the roles that run in this process to roles in other processes
 * (see {@link RoleRpc}). Every request must carry the internal token; without a configured token
 * the endpoint refuses everything, so a process never exposes role internals by accident.
 */
@RestController
public class RoleRpcEndpoint {
  private final Map<String, Target> targets = new HashMap<>();
  private final RoleStates states;
  private final JsonMapper json;
  private final byte[] token;

  /**
   * @param implementations the local implementation of each served API, keyed by role name and
   *     then by API interface
   * @param token the shared internal token, or an empty string when none is configured
   */
  public RoleRpcEndpoint(
      Map<String, Map<Class<?>, Object>> implementations, RoleStates states, JsonMapper json, String token) {
    this.states = states;
    this.json = json;
    this.token = token.getBytes(StandardCharsets.UTF_8);
    implementations.forEach((role, apis) -> apis.forEach((api, implementation) -> {
      RoleRpc.requireRemotable(api);
      for (Method method : api.getMethods()) {
        if (!method.isDefault() && !java.lang.reflect.Modifier.isStatic(method.getModifiers())) {
          targets.put(RoleRpc.path(role, api, method.getName()), new Target(role, method, implementation));
        }
      }
    }));
  }

  @GetMapping(path = RoleRpc.ROLES_PATH, produces = MediaType.APPLICATION_JSON_VALUE)
  public Map<String, RoleStatus> roles(@RequestHeader(name = RoleRpc.TOKEN_HEADER, required = false) String presented) {
    authenticate(presented);
    return states.snapshot();
  }

  @PostMapping(path = RoleRpc.ROLES_PATH + "/{role}/{api}/{method}", produces = MediaType.APPLICATION_JSON_VALUE)
  public ResponseEntity<byte[]> call(
      @RequestHeader(name = RoleRpc.TOKEN_HEADER, required = false) String presented,
      @PathVariable String role,
      @PathVariable String api,
      @PathVariable String method,
      HttpServletRequest request,
      HttpServletResponse response) throws Throwable {
    authenticate(presented);
    Target target = targets.get(RoleRpc.ROLES_PATH + "/" + role + "/" + api + "/" + method);
    if (target == null) {
      throw new TaidonException(ErrorCode.NOT_FOUND,
          "no role API method " + api + "." + method + " of role " + role + " runs in this process");
    }
    if (states.get(target.role()) != RoleStatus.UP) {
      throw new TaidonException(ErrorCode.ROLE_UNAVAILABLE,
          "role " + target.role() + " is " + states.get(target.role()).name().toLowerCase() + " in this process");
    }
    Object[] arguments = arguments(target.method(), readBody(request));
    Object result;
    try {
      result = target.method().invoke(target.implementation(), arguments);
    } catch (InvocationTargetException e) {
      throw e.getCause();
    }
    if (target.method().getReturnType() == void.class) {
      return ResponseEntity.noContent().build();
    }
    if (result instanceof Stream<?> stream) {
      Ndjson.write(stream, response, json);
      return null;
    }
    return ResponseEntity.ok().contentType(MediaType.APPLICATION_JSON).body(json.writeValueAsBytes(result));
  }

  private void authenticate(String presented) {
    if (token.length == 0) {
      throw new TaidonException(ErrorCode.UNAUTHENTICATED,
          "the internal role API is disabled in this process: no internal token is configured");
    }
    if (presented == null || !MessageDigest.isEqual(token, presented.getBytes(StandardCharsets.UTF_8))) {
      throw new TaidonException(ErrorCode.UNAUTHENTICATED,
          "missing or wrong " + RoleRpc.TOKEN_HEADER + " header for the internal role API");
    }
  }

  private static byte[] readBody(HttpServletRequest request) throws IOException {
    try (InputStream in = request.getInputStream()) {
      byte[] body = in.readNBytes(RoleRpc.MAX_REQUEST_BYTES + 1);
      if (body.length > RoleRpc.MAX_REQUEST_BYTES) {
        throw new TaidonException(ErrorCode.PAYLOAD_TOO_LARGE,
            "role call arguments exceed " + RoleRpc.MAX_REQUEST_BYTES + " bytes");
      }
      return body;
    }
  }

  private Object[] arguments(Method method, byte[] body) {
    Type[] types = method.getGenericParameterTypes();
    JsonNode array;
    try {
      array = json.readTree(body);
    } catch (JacksonException e) {
      throw new TaidonException(ErrorCode.MALFORMED_REQUEST, "role call arguments are not valid JSON", e);
    }
    if (array == null || !array.isArray() || array.size() != types.length) {
      throw new TaidonException(ErrorCode.MALFORMED_REQUEST,
          method.getName() + " takes a JSON array of " + types.length + " argument(s)");
    }
    Object[] arguments = new Object[types.length];
    for (int i = 0; i < types.length; i++) {
      try {
        arguments[i] = json.readerFor(json.getTypeFactory().constructType(types[i])).readValue(array.get(i));
      } catch (JacksonException e) {
        throw new TaidonException(ErrorCode.MALFORMED_REQUEST,
            "argument " + (i + 1) + " of " + method.getName() + " does not have the expected shape", e);
      }
    }
    return arguments;
  }

  private record Target(String role, Method method, Object implementation) {}
}
