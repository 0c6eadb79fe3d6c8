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
@description('Empty: no encryption key secret is created.')
param encryptionKey string = ''

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

resource encryptionKeySecret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = if (!empty(encryptionKey)) {
  parent: vault
  name: 'encryption-current-key'
  properties: {
    value: encryptionKey
  }
}

// Versionless secret URIs: a new secret version reaches the app without a redeployment.
output name string = vault.name
output baiduApiKeyUri string = '${vault.properties.vaultUri}secrets/${baiduApiKeySecret.name}'
output baiduSecretKeyUri string = '${vault.properties.vaultUri}secrets/${baiduSecretKeySecret.name}'
output encryptionKeyUri string = empty(encryptionKey) ? '' : '${vault.properties.vaultUri}secrets/encryption-current-key'
