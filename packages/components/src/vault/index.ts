export { Vault, vaultConfig, vaultStatefulSet, validateVaultArgs, type VaultArgs, type VaultInClusterArgs, type VaultExternalArgs, type VaultCommonArgs } from "./vault";
