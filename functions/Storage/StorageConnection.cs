using Azure.Core;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;
using Microsoft.Extensions.Azure;

namespace Shiming.Storage;

/// <summary>
/// The storage account named by <c>AzureWebJobsStorage</c>, read in the two shapes the Functions host accepts: a
/// connection string (<c>ConnectionStrings:AzureWebJobsStorage</c> or <c>AzureWebJobsStorage</c>, which the SDK
/// clients parse), or identity-based settings in that section: <c>blobServiceUri</c>, <c>queueServiceUri</c> and
/// <c>tableServiceUri</c> (or <c>accountName</c> for the public cloud's endpoints), with <c>credential</c> and
/// <c>clientId</c> read by Microsoft.Extensions.Azure as the host reads them. Errors name the setting, never its value.
/// </summary>
public sealed class StorageConnection
{
    public const string SettingName = "AzureWebJobsStorage";

    private const string DevelopmentStorage = "UseDevelopmentStorage=true";

    private readonly string? _connectionString;
    private readonly string _settingPath;

    private StorageConnection(string settingPath, string? connectionString, Uri? blob, Uri? queue, Uri? table, TokenCredential? credential)
    {
        _settingPath = settingPath;
        _connectionString = connectionString;
        BlobServiceUri = blob;
        QueueServiceUri = queue;
        TableServiceUri = table;
        Credential = credential;
    }

    /// <summary>Set for an identity-based connection; null when a connection string names the account.</summary>
    public Uri? BlobServiceUri { get; }

    public Uri? QueueServiceUri { get; }

    public Uri? TableServiceUri { get; }

    /// <summary>The identity the clients authenticate with; null for a connection string, which carries its own key.</summary>
    public TokenCredential? Credential { get; }

    /// <exception cref="InvalidOperationException">The setting is missing or unusable; the message names it and shows no value.</exception>
    public static StorageConnection FromConfiguration(IConfiguration configuration, bool isDevelopment, AzureComponentFactory components)
    {
        var connectionStrings = configuration.GetSection("ConnectionStrings").GetSection(SettingName);
        var section = connectionStrings.Exists() ? connectionStrings : configuration.GetSection(SettingName);
        if (!string.IsNullOrWhiteSpace(section.Value))
        {
            var connection = new StorageConnection(section.Path, section.Value.Trim(), null, null, null, null);
            connection.CheckConnectionString();
            return connection;
        }

        if (!section.GetChildren().Any())
        {
            if (isDevelopment)
            {
                return new StorageConnection(SettingName, DevelopmentStorage, null, null, null, null); // Azurite
            }

            throw new InvalidOperationException(
                $"The storage setting '{SettingName}' is missing. Set '{SettingName}' to a connection string, " +
                $"or set '{SettingName}__accountName' (or '{SettingName}__blobServiceUri', '__queueServiceUri' " +
                "and '__tableServiceUri') for an identity-based connection.");
        }

        var accountName = NullIfBlank(section["accountName"]);
        Uri ServiceUri(string service)
        {
            var key = service + "ServiceUri";
            if (NullIfBlank(section[key]) is { } value)
            {
                return Uri.TryCreate(value, UriKind.Absolute, out var uri) && uri.Scheme is "https" or "http" && uri.Query.Length == 0
                    ? uri
                    : throw new InvalidOperationException($"The setting '{SettingName}__{key}' must be an absolute http(s) address without a query.");
            }

            return accountName is null
                ? throw new InvalidOperationException(
                    $"The identity-based storage connection '{SettingName}' has neither '{SettingName}__{key}' nor '{SettingName}__accountName'.")
                : Uri.TryCreate($"https://{accountName}.{service}.core.windows.net/", UriKind.Absolute, out var built)
                    ? built
                    : throw new InvalidOperationException($"The setting '{SettingName}__accountName' is not a storage account name.");
        }

        var blob = ServiceUri("blob");
        var queue = ServiceUri("queue");
        var table = ServiceUri("table");

        // What the Functions host accepts for the storage connection: a managed identity, or, left out, the default chain.
        var kind = NullIfBlank(section["credential"]);
        if (kind is not null && !string.Equals(kind, "managedidentity", StringComparison.OrdinalIgnoreCase))
        {
            throw new InvalidOperationException(
                $"The setting '{SettingName}__credential' may only be 'managedidentity' (or be left out for the default credential chain).");
        }

        return new StorageConnection(SettingName, null, blob, queue, table, components.CreateTokenCredential(section));
    }

    public BlobServiceClient CreateBlobServiceClient(BlobClientOptions options) =>
        _connectionString is { } connectionString
            ? FromConnectionString(() => new BlobServiceClient(connectionString, options))
            : new BlobServiceClient(BlobServiceUri, Credential, options);

    public QueueServiceClient CreateQueueServiceClient(QueueClientOptions options) =>
        _connectionString is { } connectionString
            ? FromConnectionString(() => new QueueServiceClient(connectionString, options))
            : new QueueServiceClient(QueueServiceUri, Credential, options);

    public TableServiceClient CreateTableServiceClient(TableClientOptions options) =>
        _connectionString is { } connectionString
            ? FromConnectionString(() => new TableServiceClient(connectionString, options))
            : new TableServiceClient(TableServiceUri, Credential, options);

    /// <summary>Lets all three clients parse the connection string now, so that a bad one stops the start.</summary>
    private void CheckConnectionString()
    {
        _ = CreateBlobServiceClient(new BlobClientOptions());
        _ = CreateQueueServiceClient(new QueueClientOptions());
        _ = CreateTableServiceClient(new TableClientOptions());
    }

    // The SDK's parse errors may quote the string, key included: only the setting's name and the kind of error go on.
    private T FromConnectionString<T>(Func<T> create)
    {
        try
        {
            return create();
        }
        catch (Exception ex) when (ex is FormatException or ArgumentException or InvalidOperationException or NullReferenceException)
        {
            throw new InvalidOperationException(
                $"The setting '{_settingPath}' is not a storage connection string the {typeof(T).Name} accepts ({ex.GetType().Name}). " +
                $"Use '{DevelopmentStorage}' for Azurite, an account's connection string with its endpoints, or the identity-based " +
                $"'{SettingName}__*' settings.");
        }
    }

    private static string? NullIfBlank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
