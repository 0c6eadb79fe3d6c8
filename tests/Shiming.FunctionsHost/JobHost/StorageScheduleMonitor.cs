using System.Text.Json;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Specialized;
using Microsoft.Azure.WebJobs.Extensions.Timers;
using Microsoft.Azure.WebJobs.Host.Executors;
using Microsoft.Azure.WebJobs.Host.Storage;
using Microsoft.Extensions.Logging;

namespace Shiming.FunctionsHost.JobHost;

/// <summary>
/// The Timer extension's storage schedule monitor, kept where the host keeps it: one blob per timer,
/// <c>azure-webjobs-hosts/timers/{hostId}/{timer's full name}/status</c>, holding <c>{Last, Next, LastUpdated}</c>.
/// The extension's own past-due check (<see cref="ScheduleMonitor.CheckPastDueAsync"/>) reads it at start-up.
/// </summary>
/// <remarks>Stands in for Microsoft.Azure.WebJobs.Extensions 3.0.6's <c>StorageScheduleMonitor</c>, which was built
/// against Host.Storage 3.x and does not load beside Host.Storage 5.0.1 (TypeLoadException at host build).</remarks>
internal sealed class StorageScheduleMonitor(IAzureBlobStorageProvider storage, IHostIdProvider hostId, ILogger<StorageScheduleMonitor> logger) : ScheduleMonitor
{
    private BlobContainerClient? _container;

    public override async Task<ScheduleStatus?> GetStatusAsync(string timerName)
    {
        var blob = await StatusBlobAsync(timerName).ConfigureAwait(false);
        try
        {
            var content = await blob.DownloadContentAsync().ConfigureAwait(false);
            return content.Value.Content.ToObjectFromJson<ScheduleStatus>();
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            return null; // no status recorded yet
        }
    }

    public override async Task UpdateStatusAsync(string timerName, ScheduleStatus status)
    {
        try
        {
            var blob = await StatusBlobAsync(timerName).ConfigureAwait(false);
            var body = BinaryData.FromString(JsonSerializer.Serialize(new { status.Last, status.Next, status.LastUpdated }));
            try
            {
                await blob.UploadAsync(body, overwrite: true).ConfigureAwait(false);
            }
            catch (RequestFailedException e) when (e.Status == 404)
            {
                await blob.GetParentBlobContainerClient().CreateIfNotExistsAsync().ConfigureAwait(false);
                await blob.UploadAsync(body, overwrite: true).ConfigureAwait(false);
            }
        }
        catch (RequestFailedException e)
        {
            // Best effort, as the extension's: the next run writes it again.
            logger.LogWarning("Function '{Timer}' failed to update the timer trigger status ({Status} {Code})", timerName, e.Status, e.ErrorCode);
        }
    }

    private async Task<BlobClient> StatusBlobAsync(string timerName)
    {
        if (_container is null)
        {
            if (!storage.TryCreateHostingBlobContainerClient(out var container))
            {
                throw new InvalidOperationException("The timer's schedule monitor needs AzureWebJobsStorage.");
            }

            _container = container;
        }

        var id = await hostId.GetHostIdAsync(CancellationToken.None).ConfigureAwait(false);
        return _container.GetBlobClient($"timers/{id}/{timerName}/status");
    }
}
