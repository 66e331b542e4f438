package dev.aether.server;

import java.net.http.HttpClient;

/** {@link AuthAndLimitsTest} over HTTP/2 (h2c): 401 without or with a wrong token, 413 over the body limit. */
class AuthAndLimitsHttp2Test extends AuthAndLimitsTest {

  @Override
  HttpClient.Version version() {
    return HttpClient.Version.HTTP_2;
  }
}
