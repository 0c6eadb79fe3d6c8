// The function app: Flex Consumption, Linux, the .NET isolated worker on the platform's .NET 10
// (the package is what `dotnet publish functions` writes), the managed identity for storage,
// telemetry and Key Vault references, and the app settings Shiming reads in Azure.
param name string
param planName string
param location string = resourceGroup().location
param tags object = {}
@description('The service name in azure.yaml; azd finds the app to deploy to by this tag.')
param serviceName string = 'api'
param identityId string
param identityClientId string
param storageAccountName string
param deploymentStorageContainerName string
param applicationInsightsName string
param baiduApiKeyUri string
#disable-next-line secure-secrets-in-params // the Key Vault address of the secret, not the secret itself
param baiduSecretKeyUri string
@description('Key Vault secret URI of encryption key k1.')
param encryptionKeyUri string

@description('Key Vault secret URI of the blind-index key.')
param blindIndexKeyUri string
param baiduQpsLimit int
param corsAllowedOrigins string = ''
param publicBaseUrl string = ''
param authClientId string = ''
param instanceMemoryMB int = 2048
param maximumInstanceCount int = 100

resource storage 'Microsoft.Storage/storageAccounts@2023-05-01' existing = {
  name: storageAccountName
}

resource applicationInsights 'Microsoft.Insights/components@2020-02-02' existing = {
  name: applicationInsightsName
}

resource plan 'Microsoft.Web/serverfarms@2024-04-01' = {
  name: planName
  location: location
  tags: tags
  kind: 'functionapp'
  sku: {
    name: 'FC1'
    tier: 'FlexConsumption'
  }
  properties: {
    reserved: true
  }
}

// 'a, b,' gives ['a', 'b'], so spaces or a stray comma in CORS_ALLOWED_ORIGINS do no harm.
var allowedOrigins = filter(map(split(corsAllowedOrigins, ','), origin => trim(origin)), origin => !empty(origin))

resource functionApp 'Microsoft.Web/sites@2024-04-01' = {
  name: name
  location: location
  tags: union(tags, { 'azd-service-name': serviceName })
  kind: 'functionapp,linux'
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '${identityId}': {}
    }
  }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    // Key Vault references in the app settings are resolved with this identity.
    keyVaultReferenceIdentity: identityId
    siteConfig: {
      minTlsVersion: '1.2'
      // The platform answers browsers' preflight requests and adds the CORS headers; the worker
      // writes none itself.
      cors: {
        allowedOrigins: allowedOrigins
      }
    }
    functionAppConfig: {
      deployment: {
        storage: {
          type: 'blobContainer'
          value: '${storage.properties.primaryEndpoints.blob}${deploymentStorageContainerName}'
          authentication: {
            type: 'UserAssignedIdentity'
            userAssignedIdentityResourceId: identityId
          }
        }
      }
      scaleAndConcurrency: {
        instanceMemoryMB: instanceMemoryMB
        maximumInstanceCount: maximumInstanceCount
      }
      // Flex takes the language stack from here, not from FUNCTIONS_WORKER_RUNTIME.
      runtime: {
        name: 'dotnet-isolated'
        version: '10.0'
      }
    }
  }
}

// Deployments authenticate with Microsoft Entra ID; no publishing user names or passwords.
resource scmBasicAuth 'Microsoft.Web/sites/basicPublishingCredentialsPolicies@2024-04-01' = {
  parent: functionApp
  name: 'scm'
  properties: {
    allow: false
  }
}

resource ftpBasicAuth 'Microsoft.Web/sites/basicPublishingCredentialsPolicies@2024-04-01' = {
  parent: functionApp
  name: 'ftp'
  properties: {
    allow: false
  }
}

// Every setting the app reads in Azure (tests/Shiming.Tests/Deployment compares these names with the
// code). Secrets are Key Vault references; storage and telemetry use the managed identity.
// Not here on purpose: FUNCTIONS_WORKER_RUNTIME and FUNCTIONS_EXTENSION_VERSION (Flex refuses both
// and takes the runtime from functionAppConfig), CORS origins (the site's cors above),
// WEBSITE_AUTH_ENABLED (set by the platform when authentication is on, and trusted by the app only
// then), AZURE_FUNCTIONS_ENVIRONMENT and ASPNETCORE_ENVIRONMENT (Production unless set), and every
// optional setting whose default is right (README, "Settings").
resource appSettings 'Microsoft.Web/sites/config@2024-04-01' = {
  parent: functionApp
  name: 'appsettings'
  properties: {
    // Host storage and Shiming's blobs, queue and tables, through the managed identity.
    AzureWebJobsStorage__credential: 'managedidentity'
    AzureWebJobsStorage__clientId: identityClientId
    AzureWebJobsStorage__blobServiceUri: storage.properties.primaryEndpoints.blob
    AzureWebJobsStorage__queueServiceUri: storage.properties.primaryEndpoints.queue
    AzureWebJobsStorage__tableServiceUri: storage.properties.primaryEndpoints.table

    // Telemetry from the Functions host; with local auth off, accepted only with the identity's token.
    APPLICATIONINSIGHTS_CONNECTION_STRING: applicationInsights.properties.ConnectionString
    APPLICATIONINSIGHTS_AUTHENTICATION_STRING: 'ClientId=${identityClientId};Authorization=AAD'

    // Baidu OCR: keys from Key Vault, and the QPS budget the Baidu account allows.
    Baidu__ApiKey: '@Microsoft.KeyVault(SecretUri=${baiduApiKeyUri})'
    Baidu__SecretKey: '@Microsoft.KeyVault(SecretUri=${baiduSecretKeyUri})'
    Baidu__QpsLimit: string(baiduQpsLimit)

    // The host forwards requests to the worker's own listener; URIs in answers name the public https address.
    Api__PublicBaseUrl: empty(publicBaseUrl) ? 'https://${functionApp.properties.defaultHostName}/' : publicBaseUrl

    // Field-level encryption of personal data: the app refuses to start without these.
    // To rotate, add a secret and Encryption__Keys__k2, then make k2 current; keep k1 while data uses it.
    Encryption__CurrentKeyId: 'k1'
    Encryption__Keys__k1: '@Microsoft.KeyVault(SecretUri=${encryptionKeyUri})'
    Encryption__BlindIndexKey: '@Microsoft.KeyVault(SecretUri=${blindIndexKeyUri})'
  }
}

// App Service Authentication (optional): Microsoft Entra ID validates bearer tokens in front of the
// app and passes the caller's principal id in X-MS-CLIENT-PRINCIPAL-ID, which the app then trusts.
resource authSettings 'Microsoft.Web/sites/config@2024-04-01' = if (!empty(authClientId)) {
  parent: functionApp
  name: 'authsettingsV2'
  properties: {
    platform: {
      enabled: true
    }
    globalValidation: {
      requireAuthentication: true
      unauthenticatedClientAction: 'Return401'
      // The API description is public, as it is standalone.
      excludedPaths: [
        '/api/openapi/v1.json'
      ]
    }
    httpSettings: {
      requireHttps: true
    }
    identityProviders: {
      azureActiveDirectory: {
        enabled: true
        registration: {
          clientId: authClientId
          openIdIssuer: '${environment().authentication.loginEndpoint}${tenant().tenantId}/v2.0'
        }
        validation: {
          allowedAudiences: [
            authClientId
            'api://${authClientId}'
          ]
        }
      }
    }
    login: {
      tokenStore: {
        enabled: false
      }
    }
  }
  dependsOn: [
    appSettings
  ]
}

output name string = functionApp.name
output uri string = 'https://${functionApp.properties.defaultHostName}'
