// Key Vault for Shiming's secrets. The app never sees a secret in its settings: each secret setting
// is a Key Vault reference that the platform resolves with the app's managed identity (role in
// rbac.bicep). Access is by Azure RBAC only, no access policies.
param name string
param location string = resourceGroup().location
param tags object = {}

@secure()
param baiduApiKey string

@secure()
param baiduSecretKey string

@secure()
@description('Key k1 of field-level encryption: 32 random bytes, Base64.')
param encryptionKey string

@secure()
@description('Key of the blind index (keyed hash of ID numbers): 32 random bytes, Base64. Never rotated.')
param blindIndexKey string

resource vault 'Microsoft.KeyVault/vaults@2023-07-01' = {
  name: name
  location: location
  tags: tags
  properties: {
    tenantId: tenant().tenantId
    sku: {
      family: 'A'
      name: 'standard'
    }
    enableRbacAuthorization: true
    enableSoftDelete: true
    softDeleteRetentionInDays: 7
    // Flex Consumption resolves Key Vault references only from vaults it can reach without a VNet.
    publicNetworkAccess: 'Enabled'
  }
}

resource baiduApiKeySecret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = {
  parent: vault
  name: 'baidu-api-key'
  properties: {
    value: baiduApiKey
  }
}

resource baiduSecretKeySecret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = {
  parent: vault
  name: 'baidu-secret-key'
  properties: {
    value: baiduSecretKey
  }
}

resource encryptionKeySecret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = {
  parent: vault
  name: 'encryption-key-k1'
  properties: {
    value: encryptionKey
  }
}

resource blindIndexKeySecret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = {
  parent: vault
  name: 'encryption-blind-index-key'
  properties: {
    value: blindIndexKey
  }
}

// Versionless secret URIs: a new secret version reaches the app without a redeployment.
output name string = vault.name
output baiduApiKeyUri string = '${vault.properties.vaultUri}secrets/${baiduApiKeySecret.name}'
output baiduSecretKeyUri string = '${vault.properties.vaultUri}secrets/${baiduSecretKeySecret.name}'
output encryptionKeyUri string = '${vault.properties.vaultUri}secrets/${encryptionKeySecret.name}'
output blindIndexKeyUri string = '${vault.properties.vaultUri}secrets/${blindIndexKeySecret.name}'
