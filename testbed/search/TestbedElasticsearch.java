import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.apache.lucene.util.Version;
import org.elasticsearch.Build;
import org.elasticsearch.client.internal.node.NodeClient;
import org.elasticsearch.cluster.metadata.IndexNameExpressionResolver;
import org.elasticsearch.cluster.node.DiscoveryNodes;
import org.elasticsearch.cluster.service.ClusterService;
import org.elasticsearch.common.io.stream.NamedWriteableRegistry;
import org.elasticsearch.common.logging.LogConfigurator;
import org.elasticsearch.common.settings.ClusterSettings;
import org.elasticsearch.common.settings.IndexScopedSettings;
import org.elasticsearch.common.settings.Settings;
import org.elasticsearch.common.settings.SettingsFilter;
import org.elasticsearch.env.Environment;
import org.elasticsearch.features.NodeFeature;
import org.elasticsearch.node.Node;
import org.elasticsearch.plugins.ActionPlugin;
import org.elasticsearch.plugins.Plugin;
import org.elasticsearch.plugins.PluginsLoader;
import org.elasticsearch.rest.BaseRestHandler;
import org.elasticsearch.rest.RestController;
import org.elasticsearch.rest.RestHandler;
import org.elasticsearch.rest.RestRequest;
import org.elasticsearch.rest.RestResponse;
import org.elasticsearch.rest.RestStatus;
import org.elasticsearch.xcontent.XContentBuilder;

/**
 * The test bed's Elasticsearch node: one Elasticsearch 8 core node (the server jars from Maven
 * Central, no x-pack) on 127.0.0.1.
 *
 * <p>Usage: {@code TestbedElasticsearch <home> <dir> <http-port>}. {@code <home>} is what
 * `testbed.sh install elasticsearch` built: {@code lib/} (the classpath), {@code modules/} with
 * transport-netty4 (HTTP and transport) and testbed-root (the {@link RootPlugin} below, which
 * answers {@code GET /}); data and logs go to {@code <dir>/data} and {@code <dir>/logs}; the
 * transport port is the HTTP port + 100. The node loads its modules as Elasticsearch's own launcher
 * does ({@link PluginsLoader} over {@code <home>/modules}), without its bootstrap checks, security
 * manager or entitlements (so nothing here refuses root: the test bed runs it as nobody, as the
 * Elasticsearch launcher insists on an unprivileged user).
 */
public class TestbedElasticsearch {
  public static void main(String[] args) throws Exception {
    if (args.length != 3) {
      System.err.println("usage: TestbedElasticsearch <home> <dir> <http-port>");
      System.exit(2);
    }
    Path home = Path.of(args[0]).toAbsolutePath();
    Path dir = Path.of(args[1]).toAbsolutePath();
    int port = Integer.parseInt(args[2]);
    Files.createDirectories(dir.resolve("data"));
    Files.createDirectories(dir.resolve("logs"));
    Files.createDirectories(dir.resolve("config"));

    Settings settings = Settings.builder()
        .put("path.home", home.toString())
        .put("path.data", dir.resolve("data").toString())
        .put("path.logs", dir.resolve("logs").toString())
        .put("cluster.name", "vamp-testbed")
        .put("node.name", "testbed-elasticsearch")
        .put("network.host", "127.0.0.1")
        .put("http.port", port)
        .put("transport.port", port + 100)
        .put("discovery.type", "single-node")
        // A nearly full disk of a developer machine must not block shard allocation.
        .put("cluster.routing.allocation.disk.threshold_enabled", false)
        .put("logger.level", "INFO")
        .build();

    LogConfigurator.setClusterName("vamp-testbed");
    LogConfigurator.setNodeName("testbed-elasticsearch");
    LogConfigurator.configureWithoutConfig(settings);

    Environment env = new Environment(settings, dir.resolve("config"));
    // Without the server's qualified exports: on the classpath the server is no named module.
    PluginsLoader plugins = PluginsLoader.createPluginsLoader(
        PluginsLoader.loadModulesBundles(env.modulesDir()),
        PluginsLoader.loadPluginsBundles(env.pluginsDir()),
        Map.of(),
        false);
    Node node = new Node(env, plugins);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      try {
        node.close();
      } catch (Exception e) {
        // exiting anyway
      }
    }));
    node.start();
    System.out.println("elasticsearch " + Build.current().version() + " ready on 127.0.0.1:" + port);
    Thread.currentThread().join();
  }

  /**
   * {@code GET /} and {@code HEAD /}: the node's name, cluster and version, as the rest-root module of
   * the Elasticsearch distribution answers (that module is not published to Maven Central). Loaded
   * from {@code <home>/modules/testbed-root}, not from the classpath.
   */
  public static class RootPlugin extends Plugin implements ActionPlugin {
    // Not private: this class and its handler come from the module's class loader, while their nest
    // host (TestbedElasticsearch) comes from the classpath, so nest-mate access would fail.
    volatile ClusterService clusterService;

    @Override
    public Collection<?> createComponents(PluginServices services) {
      clusterService = services.clusterService();
      return List.of();
    }

    @Override
    public Collection<RestHandler> getRestHandlers(
        Settings settings,
        NamedWriteableRegistry namedWriteableRegistry,
        RestController restController,
        ClusterSettings clusterSettings,
        IndexScopedSettings indexScopedSettings,
        SettingsFilter settingsFilter,
        IndexNameExpressionResolver indexNameExpressionResolver,
        Supplier<DiscoveryNodes> nodesInCluster,
        Predicate<NodeFeature> clusterSupportsFeature) {
      return List.of(new BaseRestHandler() {
        @Override
        public String getName() {
          return "testbed_root_action";
        }

        @Override
        public List<Route> routes() {
          return List.of(new Route(RestRequest.Method.GET, "/"), new Route(RestRequest.Method.HEAD, "/"));
        }

        @Override
        protected RestChannelConsumer prepareRequest(RestRequest request, NodeClient client) {
          // HEAD gets the same answer; the HTTP layer sends its headers without the body.
          return channel -> {
            Build build = Build.current();
            XContentBuilder b = channel.newBuilder();
            b.startObject();
            b.field("name", clusterService.localNode().getName());
            b.field("cluster_name", clusterService.getClusterName().value());
            b.field("cluster_uuid", clusterService.state().metadata().clusterUUID());
            b.startObject("version");
            b.field("number", build.qualifiedVersion());
            b.field("build_flavor", build.flavor());
            b.field("build_type", build.type().displayName());
            b.field("build_hash", build.hash());
            b.field("build_date", build.date());
            b.field("build_snapshot", build.isSnapshot());
            b.field("lucene_version", Version.LATEST.toString());
            b.field("minimum_wire_compatibility_version", build.minWireCompatVersion());
            b.field("minimum_index_compatibility_version", build.minIndexCompatVersion());
            b.endObject();
            b.field("tagline", "You Know, for Search");
            b.endObject();
            channel.sendResponse(new RestResponse(RestStatus.OK, b));
          };
        }
      });
    }
  }
}
