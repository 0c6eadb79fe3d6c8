using Azure.Core;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;
using Microsoft.Extensions.Azure;

namespace Shiming.Storage;

public static class StorageServiceCollectionExtensions
{
    /// <summary>
    /// The Blob, Queue and Table service clients, registered once with Microsoft.Extensions.Azure from
    /// <c>AzureWebJobsStorage</c> (see <see cref="StorageConnection"/>) and checked at start. Queue messages are Base64,
    /// as the Functions queue trigger reads them.
    /// </summary>
    public static IServiceCollection AddShimingStorage(this IServiceCollection services)
    {
        services.AddSingleton<StorageAvailability>();
        services.AddSingleton(sp => StorageConnection.FromConfiguration(
            sp.GetRequiredService<IConfiguration>(),
            sp.GetRequiredService<IHostEnvironment>().IsDevelopment(),
            sp.GetRequiredService<AzureComponentFactory>()));
        services.AddAzureClients(clients =>
        {
            clients.AddClient<BlobServiceClient, BlobClientOptions>((options, _, sp) => sp.GetRequiredService<StorageConnection>().CreateBlobServiceClient(options));
            clients.AddClient<QueueServiceClient, QueueClientOptions>((options, _, sp) => sp.GetRequiredService<StorageConnection>().CreateQueueServiceClient(options))
                .ConfigureOptions((options, sp) =>
                {
                    options.MessageEncoding = QueueMessageEncoding.Base64;

                    // Resolved when a message fails, not now: the handlers need the queue clients this builds.
                    options.MessageDecodingFailed += async args =>
                    {
                        foreach (var handler in sp.GetServices<IQueueDecodingFailureHandler>())
                        {
                            await handler.HandleAsync(args);
                        }
                    };
                });
            clients.AddClient<TableServiceClient, TableClientOptions>((options, _, sp) => sp.GetRequiredService<StorageConnection>().CreateTableServiceClient(options));

            // One credential for all three; a connection string signs with its key and never asks this one for a token.
            clients.UseCredential(sp => sp.GetRequiredService<StorageConnection>().Credential ?? KeyOnly.Instance);

            // Every storage call here runs inside something with its own clock: a request a phone waits on, or a drain
            // whose jobs are leased for two minutes and come back on their own if a run fails. So a few quick retries
            // ride out a blip, and a longer outage fails the call within seconds instead of the SDK's default of up to a
            // minute between tries and 100 s per try; the queue's visibility timeouts do the patient retrying. The policy
            // retries throttling (503 ServerBusy, 500 OperationTimedOut) as it retries a lost connection; what still fails
            // is answered 503 with Retry-After by the API, and waited out by the drains (StorageFaults).
            clients.ConfigureDefaults(options =>
            {
                options.Retry.Mode = RetryMode.Exponential;
                options.Retry.MaxRetries = 3;
                options.Retry.Delay = TimeSpan.FromMilliseconds(200);
                options.Retry.MaxDelay = TimeSpan.FromSeconds(2);
                options.Retry.NetworkTimeout = TimeSpan.FromSeconds(10);

                // The SDK's request log (every request and answer, headers included) costs CPU on every call even when
                // filtered out, and its warnings would be the 409s and 412s that are expected answers here; failures
                // that matter are logged by the code that meets them.
                options.Diagnostics.IsLoggingEnabled = false;
            });
        });
        // The three clients are built when the host validates options, before any hosted service starts: a missing
        // or malformed setting stops the worker before it connects to the Functions host, so it never takes work.
        services.AddOptions<StorageClientsCheck>()
            .Validate<IServiceProvider>((check, sp) =>
            {
                sp.GetRequiredService<BlobServiceClient>();
                sp.GetRequiredService<QueueServiceClient>();
                sp.GetRequiredService<TableServiceClient>();
                return true;
            })
            .ValidateOnStart();
        return services;
    }

    private sealed class StorageClientsCheck;

    private sealed class KeyOnly : TokenCredential
    {
        public static readonly KeyOnly Instance = new();

        public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
            throw new InvalidOperationException("A storage connection string authenticates with its key, not a token.");

        public override ValueTask<AccessToken> GetTokenAsync(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
            throw new InvalidOperationException("A storage connection string authenticates with its key, not a token.");
    }
}

/// <summary>What happens to a received queue message that is not Base64; the SDK leaves it out of what it returns.</summary>
public interface IQueueDecodingFailureHandler
{
    Task HandleAsync(Azure.Storage.Queues.QueueMessageDecodingFailedEventArgs args);
}
