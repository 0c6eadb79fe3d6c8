using System.Security.Cryptography;
using Azure;
using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;
using Microsoft.Extensions.Options;
using Shiming.IdCards;
using Shiming.Jobs;

namespace Shiming.Tests.Infrastructure;

/// <summary>The official clients on an Azurite account, configured as the app configures them (Base64 queue messages).</summary>
internal static class AzuriteStorage
{
    public static BlobServiceClient Blobs(AzuriteInstance azurite) => new(azurite.ConnectionString);

    public static QueueServiceClient Queues(AzuriteInstance azurite) =>
        new(azurite.ConnectionString, new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 });

    /// <param name="policy">A policy added to every attempt, as a test's fault or probe.</param>
    public static TableServiceClient Tables(AzuriteInstance azurite, HttpPipelinePolicy? policy = null)
    {
        var options = new TableClientOptions();
        if (policy is not null)
        {
            options.Retry.Delay = TimeSpan.FromMilliseconds(10);
            options.AddPolicy(policy, HttpPipelinePosition.PerRetry);
        }

        return new TableServiceClient(azurite.ConnectionString, options);
    }

    /// <summary>The verification stores named by <paramref name="options"/>, on Azurite.</summary>
    public static JobStorage Verifications(AzuriteInstance azurite, JobOptions options) =>
        new(IdCardKind.Definition, Blobs(azurite), Queues(azurite), Tables(azurite), Options.Create(options));

    /// <summary>The verification stores named by an app's settings (<c>Verifications:*</c>).</summary>
    public static JobStorage Verifications(AzuriteInstance azurite, IReadOnlyDictionary<string, string?> settings) =>
        Verifications(azurite, new JobOptions
        {
            ImageContainer = settings["Verifications:ImageContainer"]!,
            JobQueue = settings["Verifications:JobQueue"]!,
            JobTable = settings["Verifications:JobTable"]!,
            KeyTable = settings["Verifications:KeyTable"]!,
            StateTable = settings["Verifications:StateTable"]!,
        });

    /// <summary>Whether the blob is there.</summary>
    public static async Task<bool> ExistsAsync(BlobContainerClient container, string name)
    {
        try
        {
            return await container.GetBlobClient(name).ExistsAsync();
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            return false; // no container either
        }
    }

    /// <summary>One entity, or null when there is none.</summary>
    public static async Task<TableEntity?> FindAsync(this TableClient table, string partitionKey, string rowKey)
    {
        var read = await table.GetEntityIfExistsAsync<TableEntity>(partitionKey, rowKey);
        return read.HasValue ? read.Value : null;
    }

    /// <summary>A name no other test uses: lower-case letters and digits, valid for containers, queues and tables.</summary>
    public static string UniqueName(string prefix) =>
        prefix + Convert.ToHexString(RandomNumberGenerator.GetBytes(8)).ToLowerInvariant();
}
