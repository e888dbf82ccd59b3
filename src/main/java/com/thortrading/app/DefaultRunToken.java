package com.thortrading.app;

import com.thortrading.accounts.AccountIds;
import com.thortrading.accounts.TokenSecrets;
import com.thortrading.accounts.TokenStore;
import io.vertx.sqlclient.Pool;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The default run's token of account {@code paper}: made at first start, kept in the data directory (mode 0600)
 * for later default runs, so the logged page link signs the browser in with one click, as Jupyter does.
 * Blocking (file and database); call it from the start-up thread.
 */
final class DefaultRunToken {

  private static final Logger LOG = LoggerFactory.getLogger(DefaultRunToken.class);
  static final String FILE = "paper.token";

  private DefaultRunToken() {
  }

  static String ensure(Path dataDir, Pool pg, TokenStore tokens) throws Exception {
    Path file = dataDir.resolve(FILE);
    Optional<String> kept = read(file);
    if (kept.isPresent()) {
      var found = tokens.byHash(pg, TokenSecrets.hash(kept.get())).await(10, TimeUnit.SECONDS);
      if (found.isPresent() && !found.get().revoked()
          && found.get().account().equals(Optional.of(AccountIds.DEFAULT))) {
        return kept.get();
      }
      LOG.info("The token in {} was revoked or is unknown; making a new one", file.toAbsolutePath());
    }
    String secret = tokens.create(pg, AccountIds.DEFAULT, "default run (web UI link)")
        .await(10, TimeUnit.SECONDS).secret();
    write(file, secret);
    LOG.info("Made a token for account '{}' and kept it in {} (readable by you only)", AccountIds.DEFAULT,
        file.toAbsolutePath());
    return secret;
  }

  private static Optional<String> read(Path file) throws IOException {
    if (!Files.isRegularFile(file)) {
      return Optional.empty();
    }
    String text = Files.readString(file, StandardCharsets.US_ASCII).strip();
    return TokenSecrets.wellFormed(text) ? Optional.of(text) : Optional.empty();
  }

  private static void write(Path file, String secret) throws IOException {
    Files.createDirectories(file.getParent());
    Path temp = file.resolveSibling(FILE + ".tmp");
    Files.deleteIfExists(temp);
    try {
      Files.createFile(temp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    } catch (UnsupportedOperationException notPosix) {
      Files.createFile(temp); // Windows: the user's profile directory's own permissions apply
    }
    Files.writeString(temp, secret + "\n", StandardCharsets.US_ASCII);
    Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }
}
