using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Identity;
using Microsoft.Extensions.Configuration;

namespace Shiming.Storage;

/// <summary>
/// A storage account: its endpoints and the authenticated pipelines that the Blob, Queue and Table clients share.
/// </summary>
public sealed class StorageAccount
{
    /// <summary>The Entra ID scope for all storage data-plane requests.</summary>
    public const string StorageScope = "https://storage.azure.com/.default";

    private readonly HttpPipeline _blobPipeline;
    private readonly HttpPipeline _queuePipeline;
    private readonly HttpPipeline _tablePipeline;

    private StorageAccount(
        string accountName,
        Uri blobEndpoint,
        Uri queueEndpoint,
        Uri tableEndpoint,
        HttpPipelinePolicy blobAndQueueAuthentication,
        HttpPipelinePolicy tableAuthentication,
        TokenCredential? credential,
        StorageClientOptions? options,
        TimeProvider timeProvider)
    {
        AccountName = accountName;
        BlobEndpoint = blobEndpoint;
        QueueEndpoint = queueEndpoint;
        TableEndpoint = tableEndpoint;
        Credential = credential;
        options ??= new StorageClientOptions();
        _blobPipeline = BuildPipeline(options, StorageServiceVersions.Blob, blobAndQueueAuthentication, timeProvider);
        _queuePipeline = BuildPipeline(options, StorageServiceVersions.Queue, blobAndQueueAuthentication, timeProvider);
        _tablePipeline = BuildPipeline(options, StorageServiceVersions.Table, tableAuthentication, timeProvider);
    }

    public string AccountName { get; }

    public Uri BlobEndpoint { get; }

    public Uri QueueEndpoint { get; }

    public Uri TableEndpoint { get; }

    /// <summary>The token credential of an identity-based account; null for a key-based one.</summary>
    internal TokenCredential? Credential { get; }

    /// <summary>
    /// Reads a connection the way the Functions host reads <c>AzureWebJobsStorage</c>: a connection string in
    /// <c>ConnectionStrings:{name}</c> or <c>{name}</c>, or else identity-based settings in the section <c>{name}</c>
    /// (<c>accountName</c>, <c>blobServiceUri</c>, <c>queueServiceUri</c>, <c>tableServiceUri</c>, <c>credential</c>,
    /// <c>clientId</c>). An identity-based connection uses <paramref name="credential"/> when given, a managed
    /// identity when <c>credential</c> is <c>managedidentity</c>, and <see cref="DefaultAzureCredential"/> otherwise.
    /// </summary>
    /// <exception cref="InvalidOperationException">The settings are missing or invalid.</exception>
    public static StorageAccount FromConfiguration(
        IConfiguration configuration,
        string connectionName = "AzureWebJobsStorage",
        TokenCredential? credential = null,
        StorageClientOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionName);

        var connectionStrings = configuration.GetSection("ConnectionStrings").GetSection(connectionName);
        var section = connectionStrings.Exists() ? connectionStrings : configuration.GetSection(connectionName);
        if (!string.IsNullOrWhiteSpace(section.Value))
        {
            var parsed = StorageConnectionString.Parse(section.Value, $"in setting '{section.Path}'");
            return FromKey(parsed, options, TimeProvider.System);
        }

        if (!section.GetChildren().Any())
        {
            throw new InvalidOperationException(
                $"The storage setting '{connectionName}' is missing. Set '{connectionName}' to a connection string, " +
                $"or set '{connectionName}__accountName' (or '{connectionName}__blobServiceUri', '__queueServiceUri' " +
                "and '__tableServiceUri') for an identity-based connection.");
        }

        var accountName = NullIfEmpty(section["accountName"]);
        Uri ServiceUri(string service)
        {
            var key = service + "ServiceUri";
            var value = NullIfEmpty(section[key]);
            if (value is not null)
            {
                return StorageConnectionString.ParseEndpoint(value, $"setting '{connectionName}__{key}'");
            }

            if (accountName is null)
            {
                throw new InvalidOperationException(
                    $"The identity-based storage connection '{connectionName}' has neither '{connectionName}__{key}' " +
                    $"nor '{connectionName}__accountName'.");
            }

            return StorageConnectionString.ParseEndpoint(
                $"https://{accountName}.{service}.core.windows.net",
                $"the {service} endpoint built from setting '{connectionName}__accountName'");
        }

        var blob = ServiceUri("blob");
        var queue = ServiceUri("queue");
        var table = ServiceUri("table");
        credential ??= CredentialFromSettings(section, connectionName);
        // One policy for all three pipelines, so that one cached token serves them all.
        var bearer = new BearerTokenAuthenticationPolicy(credential, StorageScope);
        return new StorageAccount(
            accountName ?? AccountNameFromEndpoint(blob),
            blob,
            queue,
            table,
            bearer,
            bearer,
            credential,
            options,
            TimeProvider.System);
    }

    /// <summary>
    /// A key-based account from a connection string (<c>AccountName</c>/<c>AccountKey</c> with
    /// <c>DefaultEndpointsProtocol</c>/<c>EndpointSuffix</c> or explicit <c>BlobEndpoint</c>/<c>QueueEndpoint</c>/<c>TableEndpoint</c>),
    /// or <c>UseDevelopmentStorage=true</c> for the emulator's well-known account on 127.0.0.1.
    /// </summary>
    /// <exception cref="InvalidOperationException">The connection string is invalid.</exception>
    public static StorageAccount FromConnectionString(string connectionString, StorageClientOptions? options = null) =>
        FromConnectionString(connectionString, options, TimeProvider.System);

    internal static StorageAccount FromConnectionString(string connectionString, StorageClientOptions? options, TimeProvider timeProvider) =>
        FromKey(StorageConnectionString.Parse(connectionString, "passed to StorageAccount.FromConnectionString"), options, timeProvider);

    /// <summary>An identity-based account: requests carry a bearer token for the storage scope from <paramref name="credential"/>.</summary>
    public static StorageAccount FromIdentity(
        Uri blobEndpoint,
        Uri queueEndpoint,
        Uri tableEndpoint,
        TokenCredential credential,
        StorageClientOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(blobEndpoint);
        ArgumentNullException.ThrowIfNull(queueEndpoint);
        ArgumentNullException.ThrowIfNull(tableEndpoint);
        ArgumentNullException.ThrowIfNull(credential);
        var blob = StorageConnectionString.ParseEndpoint(blobEndpoint.OriginalString, "the blob endpoint");
        var queue = StorageConnectionString.ParseEndpoint(queueEndpoint.OriginalString, "the queue endpoint");
        var table = StorageConnectionString.ParseEndpoint(tableEndpoint.OriginalString, "the table endpoint");
        var bearer = new BearerTokenAuthenticationPolicy(credential, StorageScope);
        return new StorageAccount(
            AccountNameFromEndpoint(blob),
            blob,
            queue,
            table,
            bearer,
            bearer,
            credential,
            options,
            TimeProvider.System);
    }

    public BlobContainerClient GetBlobContainerClient(string containerName) => new(_blobPipeline, BlobEndpoint, containerName);

    public QueueClient GetQueueClient(string queueName) => new(_queuePipeline, QueueEndpoint, queueName);

    public TableClient GetTableClient(string tableName) => new(_tablePipeline, TableEndpoint, tableName);

    // Blob and Queue sign with Shared Key; Table with Shared Key Lite, which avoids signing Content-Type verbatim.
    private static StorageAccount FromKey(StorageConnectionString parsed, StorageClientOptions? options, TimeProvider timeProvider) =>
        new(
            parsed.AccountName,
            parsed.BlobEndpoint,
            parsed.QueueEndpoint,
            parsed.TableEndpoint,
            new SharedKeyPolicy(parsed.AccountName, parsed.AccountKey),
            new SharedKeyLitePolicy(parsed.AccountName, parsed.AccountKey),
            null,
            options,
            timeProvider);

    private static HttpPipeline BuildPipeline(ClientOptions options, string version, HttpPipelinePolicy authentication, TimeProvider timeProvider) =>
        HttpPipelineBuilder.Build(
            options,
            perCallPolicies: [],
            perRetryPolicies: [new StorageRequestHeadersPolicy(version, timeProvider), authentication],
            responseClassifier: new ResponseClassifier());

    private static TokenCredential CredentialFromSettings(IConfigurationSection section, string connectionName)
    {
        var kind = NullIfEmpty(section["credential"]);
        var clientId = NullIfEmpty(section["clientId"]);
        if (kind is null)
        {
            return new DefaultAzureCredential(new DefaultAzureCredentialOptions { ManagedIdentityClientId = clientId });
        }

        if (string.Equals(kind, "managedidentity", StringComparison.OrdinalIgnoreCase))
        {
            return new ManagedIdentityCredential(
                clientId is null ? ManagedIdentityId.SystemAssigned : ManagedIdentityId.FromUserAssignedClientId(clientId));
        }

        throw new InvalidOperationException(
            $"The setting '{connectionName}__credential' may only be 'managedidentity' (or be left out for the default credential chain).");
    }

    // Azure puts the account in the first host label; the emulator (an IP or localhost) in the first path segment.
    private static string AccountNameFromEndpoint(Uri endpoint)
    {
        if (endpoint.HostNameType is UriHostNameType.Dns && !endpoint.IsLoopback)
        {
            return endpoint.Host.Split('.')[0];
        }

        return endpoint.AbsolutePath.Split('/', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault() ?? endpoint.Host;
    }

    private static string? NullIfEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
