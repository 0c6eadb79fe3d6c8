// Shiming on Azure Functions Flex Consumption, as `azd up` provisions it.
//
// One resource group holding: a user-assigned managed identity (the app's only credential), the
// storage account (host storage, the deployment package, card images, the job queue and tables;
// shared keys disabled), Key Vault (Baidu keys and the encryption keys), Application
// Insights on Log Analytics (local auth disabled) with the day-one alerts, and the function app itself: Linux, the .NET
// isolated worker (runtime dotnet-isolated 10.0), CORS on the site, every secret setting a Key Vault
// reference, optionally behind App Service Authentication.
targetScope = 'subscription'

@minLength(1)
@maxLength(64)
@description('Name of the azd environment; used to name the resource group and to derive a unique token for the other names.')
param environmentName string

@minLength(1)
@description('Region for every resource. Flex Consumption runs only in some regions.')
@allowed([
  'australiaeast'
  'centralindia'
  'centralus'
  'eastasia'
  'eastus'
  'eastus2'
  'francecentral'
  'germanywestcentral'
  'northcentralus'
  'northeurope'
  'southcentralus'
  'southeastasia'
  'swedencentral'
  'uksouth'
  'westcentralus'
  'westeurope'
  'westus2'
])
@metadata({
  azd: {
    type: 'location'
  }
})
param location string

@description('Object id of the person running azd (set by azd). Used only when allowDeveloperDataAccess is true.')
param principalId string = ''

@secure()
@minLength(1)
@description('API Key of the Baidu OCR application. Stored in Key Vault; the app reads it through a Key Vault reference.')
param baiduApiKey string

@secure()
@minLength(1)
@description('Secret Key of the Baidu OCR application. Stored in Key Vault; the app reads it through a Key Vault reference.')
param baiduSecretKey string

@minValue(1)
@maxValue(100)
@description('Calls per second Shiming may spend at Baidu: 2 on free resources, 10 once paid, more by purchase. Never more than the account allows.')
param baiduQpsLimit int = 2

@description('Comma-separated origins of browser frontends allowed to call the API, e.g. "https://app.example.org"; the site\'s CORS setting. Empty: none.')
param corsAllowedOrigins string = ''

@description('Public https origin for the URIs in answers (a custom domain). Empty: the function app\'s default host name.')
param publicBaseUrl string = ''

@description('Client id of a Microsoft Entra app registration for App Service Authentication. Empty: authentication is off and the API answers 401 to every call, since no caller can be identified.')
param authClientId string = ''

@secure()
@description('Field-level encryption key k1 for personal data: 32 random bytes, Base64 (openssl rand -base64 32). Keep it: data encrypted with it is unreadable without it.')
param encryptionKey string

@secure()
@description('Blind-index key (keyed hash of ID numbers for the duplicate-patient check): 32 random bytes, Base64. Never change it.')
param blindIndexKey string

@description('Mail address for the alerts (poison queue, Baidu refusing, old backlog, failing jobs). Empty: the alerts show in the portal only.')
param alertEmail string = ''

@minValue(60)
@description('Seconds the oldest waiting job may wait before the backlog alert fires.')
param alertOldestWaitingSeconds int = 600

@minValue(1)
@maxValue(100)
@description('Percent of finished jobs that may fail in an hour before the failure alert fires.')
param alertFailedJobsPercent int = 20

@description('Also give principalId data access to blob, queue and table storage, for debugging with a developer\'s own identity. Off by default: the storage holds personal data.')
param allowDeveloperDataAccess bool = false

var abbrs = loadJsonContent('./abbreviations.json')
var resourceToken = toLower(uniqueString(subscription().id, environmentName, location))
var tags = { 'azd-env-name': environmentName }
var functionAppName = '${abbrs.webSitesFunctions}shiming-${resourceToken}'
// Flex Consumption deploys from a blob container; name it after the app, as the azd templates do.
var deploymentStorageContainerName = 'app-package-${take(functionAppName, 32)}-${take(toLower(uniqueString(functionAppName, resourceToken)), 7)}'

resource rg 'Microsoft.Resources/resourceGroups@2021-04-01' = {
  name: '${abbrs.resourcesResourceGroups}${environmentName}'
  location: location
  tags: tags
}

module identity './app/identity.bicep' = {
  name: 'identity'
  scope: rg
  params: {
    name: '${abbrs.managedIdentityUserAssignedIdentities}shiming-${resourceToken}'
    location: location
    tags: tags
  }
}

module monitoring './app/monitoring.bicep' = {
  name: 'monitoring'
  scope: rg
  params: {
    logAnalyticsName: '${abbrs.operationalInsightsWorkspaces}${resourceToken}'
    applicationInsightsName: '${abbrs.insightsComponents}${resourceToken}'
    location: location
    tags: tags
  }
}

module alerts './app/alerts.bicep' = {
  name: 'alerts'
  scope: rg
  params: {
    logAnalyticsName: monitoring.outputs.logAnalyticsWorkspaceName
    namePrefix: 'shiming-${resourceToken}'
    location: location
    tags: tags
    alertEmail: alertEmail
    oldestWaitingSeconds: alertOldestWaitingSeconds
    failedJobsPercent: alertFailedJobsPercent
  }
}

module storage './app/storage.bicep' = {
  name: 'storage'
  scope: rg
  params: {
    name: '${abbrs.storageStorageAccounts}${resourceToken}'
    location: location
    tags: tags
    deploymentContainerName: deploymentStorageContainerName
  }
}

module keyVault './app/keyvault.bicep' = {
  name: 'keyVault'
  scope: rg
  params: {
    name: '${abbrs.keyVaultVaults}${resourceToken}'
    location: location
    tags: tags
    baiduApiKey: baiduApiKey
    baiduSecretKey: baiduSecretKey
    encryptionKey: encryptionKey
    blindIndexKey: blindIndexKey
  }
}

module rbac './app/rbac.bicep' = {
  name: 'rbacAssignments'
  scope: rg
  params: {
    storageAccountName: storage.outputs.name
    appInsightsName: monitoring.outputs.applicationInsightsName
    keyVaultName: keyVault.outputs.name
    managedIdentityPrincipalId: identity.outputs.principalId
    userIdentityPrincipalId: principalId
    allowUserIdentityPrincipal: allowDeveloperDataAccess
  }
}

module api './app/api.bicep' = {
  name: 'api'
  scope: rg
  params: {
    name: functionAppName
    planName: '${abbrs.webServerFarms}${resourceToken}'
    location: location
    tags: tags
    serviceName: 'api'
    identityId: identity.outputs.resourceId
    identityClientId: identity.outputs.clientId
    storageAccountName: storage.outputs.name
    deploymentStorageContainerName: deploymentStorageContainerName
    applicationInsightsName: monitoring.outputs.applicationInsightsName
    baiduApiKeyUri: keyVault.outputs.baiduApiKeyUri
    baiduSecretKeyUri: keyVault.outputs.baiduSecretKeyUri
    encryptionKeyUri: keyVault.outputs.encryptionKeyUri
    blindIndexKeyUri: keyVault.outputs.blindIndexKeyUri
    baiduQpsLimit: baiduQpsLimit
    corsAllowedOrigins: corsAllowedOrigins
    publicBaseUrl: publicBaseUrl
    authClientId: authClientId
  }
  // The host reads storage and the Key Vault references with the identity as soon as the app exists.
  dependsOn: [
    rbac
  ]
}

// Outputs azd keeps in the environment (.azure/<env>/.env).
output AZURE_LOCATION string = location
output AZURE_TENANT_ID string = tenant().tenantId
output AZURE_RESOURCE_GROUP string = rg.name
output SERVICE_API_NAME string = api.outputs.name
output AZURE_FUNCTION_NAME string = api.outputs.name
output SERVICE_API_URI string = api.outputs.uri
output AZURE_STORAGE_ACCOUNT_NAME string = storage.outputs.name
output AZURE_KEY_VAULT_NAME string = keyVault.outputs.name
output APPLICATIONINSIGHTS_NAME string = monitoring.outputs.applicationInsightsName
