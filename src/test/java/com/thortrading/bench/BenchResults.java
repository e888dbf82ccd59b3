package com.thortrading.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The last step of {@code bench/run}: one {@code results.md} and {@code results.json} from the orders'
 * ({@link OrderBench}) and, when it ran, the fan-out's ({@link FanoutBench}) reports of this run.
 */
public final class BenchResults {

  private BenchResults() {
  }

  public static void main(String[] args) throws Exception {
    Path out = OrderBench.OUT;
    StringBuilder md = new StringBuilder("# Benchmark results\n\nCommand: `bench/run")
        .append(args.length == 0 ? "" : " " + String.join(" ", args)).append("`\n\n");
    ObjectNode json = new ObjectMapper().createObjectNode();
    for (String part : List.of("orders", "fanout")) {
      Path report = out.resolve(part + ".md");
      Path data = out.resolve(part + ".json");
      // A fan-out report older than this run's orders is from another run: it is not this run's.
      if (!Files.exists(report) || !Files.exists(data) || part.equals("fanout")
          && Files.getLastModifiedTime(data).compareTo(Files.getLastModifiedTime(out.resolve("orders.json"))) < 0) {
        md.append("## ").append(part).append("\n\nNot measured in this run.\n\n");
        continue;
      }
      // One level down: each report's title becomes a section of this one.
      Files.readAllLines(report).forEach(line -> md.append(line.startsWith("#") ? "#" + line : line).append('\n'));
      md.append('\n');
      JsonNode node = new ObjectMapper().readTree(data.toFile());
      json.set(part, node);
    }
    Files.writeString(out.resolve("results.md"), md.toString());
    new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(out.resolve("results.json").toFile(), json);
    BenchSupport.log("Wrote " + out.resolve("results.md") + " and results.json");
  }
}
