using System.Security.Cryptography;
using Azure.Core;
using Azure.Core.Pipeline;
using Shiming.Storage;
using Shiming.Tests.Infrastructure;

namespace Shiming.Tests.Storage;

/// <summary>Helpers shared by the storage tests.</summary>
internal static class StorageTestSupport
{
    /// <summary>An account on the shared emulator, optionally with extra pipeline policies.</summary>
    public static async Task<StorageAccount> AzuriteAccountAsync(params HttpPipelinePolicy[] perCallPolicies)
    {
        var azurite = await Azurite.GetSharedAsync().ConfigureAwait(false);
        var options = new StorageClientOptions();
        foreach (var policy in perCallPolicies)
        {
            options.AddPolicy(policy, HttpPipelinePosition.PerCall);
        }

        return StorageAccount.FromConnectionString(azurite.ConnectionString, options);
    }

    /// <summary>A name no other test uses: lower-case letters and digits, valid for containers, queues and tables.</summary>
    public static string UniqueName(string prefix) =>
        prefix + Convert.ToHexString(RandomNumberGenerator.GetBytes(8)).ToLowerInvariant();
}

/// <summary>Counts and records the requests that reach the pipeline.</summary>
internal sealed class RequestRecorder : HttpPipelineSynchronousPolicy
{
    private readonly List<string> _requests = [];

    public IReadOnlyList<string> Requests
    {
        get
        {
            lock (_requests)
            {
                return [.. _requests];
            }
        }
    }

    public override void OnSendingRequest(HttpMessage message)
    {
        lock (_requests)
        {
            _requests.Add($"{message.Request.Method} {message.Request.Uri.ToUri().PathAndQuery}");
        }
    }
}
