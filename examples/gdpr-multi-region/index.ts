/**
 * Three service clusters (EU, Germany, US) and a management cluster in the US. Gateway logs stay
 * in their region: EU users' logs in the EU cluster, German users' in Germany's own, audit logs in
 * the management region. `pulumi preview` fails on a layout that breaks these rules, naming the
 * environment, the country and the cluster.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { Environment, Organization, RegionalElasticsearch, ServiceCluster } from "@vamp-pulumi/components";

const config = new pulumi.Config();
const clusters = Object.fromEntries(["eu", "de", "us"].map((r) => [r, new k8s.Provider(`service-${r}`, { kubeconfig: config.get(`${r}Kubeconfig`) })]));
const search = {
  us: { name: "us", url: config.get("usSearch") ?? "https://search-us.example.com:9200", region: "us-east-1" },
  eu: { name: "eu", url: config.get("euSearch") ?? "https://search-eu.example.com:9200", region: "eu-west-1" },
  de: { name: "de", url: config.get("deSearch") ?? "https://search-de.example.com:9200", region: "eu-central-1" },
};

// Which users each environment serves, and where its gateway logs go.
const placement = [
  { env: "shop-eu", cluster: "eu", countries: ["FR", "NL", "IT"], gatewayLogs: config.get("shopEuLogs") ?? "eu" },
  { env: "shop-de", cluster: "de", countries: ["DE"], gatewayLogs: config.get("shopDeLogs") ?? "de" },
  { env: "shop-us", cluster: "us", countries: ["US", "CA"], gatewayLogs: "us" },
];

const regional = new RegionalElasticsearch("search", {
  managementRegion: "us",
  regions: [
    { name: "us", jurisdiction: "US", cluster: search.us },
    { name: "eu", jurisdiction: "EU", cluster: search.eu },
    { name: "de", jurisdiction: "EU", countries: ["DE"], cluster: search.de },
  ],
  environments: placement.map((p) => ({ name: `acme/${p.env}`, countries: p.countries, gatewayLogs: p.gatewayLogs })),
});

const acme = new Organization("acme", { name: "acme", search: search.us });
for (const region of ["eu", "de", "us"]) {
  const envs = placement
    .filter((p) => p.cluster === region)
    .map(
      (p) =>
        new Environment(`acme-${p.env}`, {
          organization: acme,
          name: p.env,
          provider: clusters[region],
          search: regional.routing[`acme/${p.env}`].gatewayLogs,
        }),
    );
  new ServiceCluster(`service-${region}`, {
    provider: clusters[region],
    environments: envs,
    store: { kind: "vault", address: config.get("vaultAddress") ?? "https://vault.example.com:8200" },
    gatewayPorts: [80, 443],
  });
}

export const routing = regional.routing;
