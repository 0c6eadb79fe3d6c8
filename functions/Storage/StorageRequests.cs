using System.Globalization;
using Azure;
using Azure.Core;
using Azure.Core.Pipeline;

namespace Shiming.Storage;

internal static class StorageRequests
{
    /// <summary>Creates a message for <paramref name="endpoint"/> plus an already percent-encoded relative path.</summary>
    public static HttpMessage Create(HttpPipeline pipeline, RequestMethod method, Uri endpoint, string encodedPath)
    {
        var message = pipeline.CreateMessage();
        message.Request.Method = method;
        message.Request.Uri.Reset(new Uri(endpoint.AbsoluteUri.TrimEnd('/') + "/" + encodedPath));
        return message;
    }

    public static async Task<Response> SendAsync(HttpPipeline pipeline, HttpMessage message, CancellationToken cancellationToken)
    {
        await pipeline.SendAsync(message, cancellationToken).ConfigureAwait(false);
        return message.Response;
    }

    /// <summary>Whole seconds for a service timeout, rounded up so a message is never hidden for less than asked.</summary>
    public static string Seconds(TimeSpan value, string parameterName)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(value, TimeSpan.Zero, parameterName);
        return ((long)Math.Ceiling(value.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
    }

    /// <summary>The RFC 1123 dates that Blob and Queue use in headers and XML.</summary>
    public static DateTimeOffset ParseHttpDate(string value) =>
        DateTimeOffset.ParseExact(value.Trim(), "R", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal);
}
