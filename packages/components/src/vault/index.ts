export {
  Vault,
  vaultConfig,
  vaultStatefulSet,
  vaultPodTemplate,
  validateVaultArgs,
  type VaultArgs,
  type VaultInClusterArgs,
  type VaultExternalArgs,
  type VaultCommonArgs,
} from "./vault";
