package com.thortrading.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The README's configuration table is what operators read: it must name every setting there is. */
class ReadmeTest {

  @Test
  void readmeListsEverySettingWithItsEnvironmentVariableAndOption() throws Exception {
    String readme = Files.readString(Path.of("README.md"));
    for (Setting s : Setting.values()) {
      assertThat(readme).contains("`" + s.env() + "`").contains("`" + s.option() + "`");
    }
  }
}
