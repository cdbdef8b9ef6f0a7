package dev.sessionkit.spring;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sessionkit.testkit.postgres.PostgresFixture;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The OIDC suite with the application's authorized clients (client registration and access token)
 * in the session through Spring Security's stock {@code HttpSessionOAuth2AuthorizedClientRepository},
 * on PostgreSQL: the access token outlives a restart with the login. (Boot's default keeps them in
 * the process's memory, so a restart loses them whatever the session store.)
 */
final class OidcAuthorizedClientInSessionTest extends AbstractOidcLoginTest {

    private static final PostgresFixture.Database DATABASE = PostgresFixture.freshDatabase();
    private static final ObjectMapper JSON = new ObjectMapper();

    @Override
    List<String> storeArguments() {
        return List.of("--spring.datasource.url=" + DATABASE.jdbcUrl(), "--oidc-app.authorized-clients=session");
    }

    @Test
    void theAccessTokenInTheSessionSurvivesARestart() throws Exception {
        Person dora = new Person("dora-sub", "dora@example.test", "Dora Explorer", "maps", List.of("guides"));
        Browser browser = browser();
        finishLogin(browser, beginLogin(browser), dora);

        Map<String, Object> before = client(browser);
        assertThat(before).containsEntry("principalName", dora.subject())
                .containsEntry("registration", REGISTRATION)
                .containsEntry("clientId", CLIENT_ID)
                .containsEntry("tokenUri", issuer() + "/token")
                .containsEntry("tokenType", "Bearer")
                .containsEntry("tokenSubject", dora.subject());
        assertThat(Instant.parse((String) before.get("tokenExpiresAt"))).isAfter(Instant.now());

        restart();

        assertThat(client(browser)).as("the same access token after the restart").isEqualTo(before);
        assertShowsTheOidcUser(me(browser), dora);
    }

    private Map<String, Object> client(Browser browser) throws Exception {
        HttpResponse<String> page = browser.get("/client");
        assertThat(page.statusCode()).as("/client (a redirect means the authorized client was not found): %s %s",
                page.headers().map(), page.body()).isEqualTo(200);
        @SuppressWarnings("unchecked")
        Map<String, Object> fields = JSON.readValue(page.body(), Map.class);
        return fields;
    }
}
