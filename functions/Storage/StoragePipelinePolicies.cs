using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Azure.Core;
using Azure.Core.Pipeline;

namespace Shiming.Storage;

/// <summary>
/// Stamps <c>x-ms-version</c> and a fresh <c>x-ms-date</c>. It runs per retry, before the signing policy,
/// so every attempt carries (and signs) its own date: a retried request with the first attempt's date can
/// fall outside the service's 15-minute clock window after long back-offs.
/// </summary>
internal sealed class StorageRequestHeadersPolicy(string version, TimeProvider timeProvider) : HttpPipelineSynchronousPolicy
{
    public override void OnSendingRequest(HttpMessage message)
    {
        message.Request.Headers.SetValue("x-ms-version", version);
        message.Request.Headers.SetValue(
            "x-ms-date",
            timeProvider.GetUtcNow().ToString("R", CultureInfo.InvariantCulture));
    }
}

/// <summary>Shared Key in its Blob and Queue flavour (verb, standard headers, x-ms-* headers, resource and query).</summary>
internal sealed class SharedKeyPolicy(string accountName, byte[] accountKey) : HttpPipelineSynchronousPolicy
{
    public override void OnSendingRequest(HttpMessage message)
    {
        var request = message.Request;
        var stringToSign = BuildStringToSign(request, accountName);
        request.Headers.SetValue("Authorization", $"SharedKey {accountName}:{StorageSigning.Sign(accountKey, stringToSign)}");
    }

    internal static string BuildStringToSign(Request request, string accountName)
    {
        var builder = new StringBuilder();
        builder.Append(request.Method.Method.ToUpperInvariant()).Append('\n');
        builder.Append(Header(request, "Content-Encoding")).Append('\n');
        builder.Append(Header(request, "Content-Language")).Append('\n');
        builder.Append(ContentLength(request)).Append('\n');
        builder.Append(Header(request, "Content-MD5")).Append('\n');
        builder.Append(Header(request, "Content-Type")).Append('\n');
        // Date stays empty: x-ms-date is always sent and signed among the x-ms-* headers instead.
        builder.Append('\n');
        builder.Append(Header(request, "If-Modified-Since")).Append('\n');
        builder.Append(Header(request, "If-Match")).Append('\n');
        builder.Append(Header(request, "If-None-Match")).Append('\n');
        builder.Append(Header(request, "If-Unmodified-Since")).Append('\n');
        builder.Append(Header(request, "Range")).Append('\n');

        var msHeaders = request.Headers
            .Where(h => h.Name.StartsWith("x-ms-", StringComparison.OrdinalIgnoreCase))
            .Select(h => (Name: h.Name.ToLowerInvariant(), Value: h.Value.Trim()))
            .OrderBy(h => h.Name, StringComparer.Ordinal);
        foreach (var (name, value) in msHeaders)
        {
            builder.Append(name).Append(':').Append(value).Append('\n');
        }

        var uri = request.Uri.ToUri();
        builder.Append('/').Append(accountName).Append(uri.AbsolutePath);
        foreach (var (name, values) in StorageSigning.ParseQuery(uri.Query).OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            builder.Append('\n').Append(name).Append(':').Append(string.Join(',', values.Order(StringComparer.Ordinal)));
        }

        return builder.ToString();
    }

    private static string Header(Request request, string name) =>
        request.Headers.TryGetValue(name, out var value) ? value : string.Empty;

    // The transport adds Content-Length after the policies have run, so it is not among the headers yet;
    // the length has to come from the content. Versions from 2015-02-21 on sign an empty body as "".
    private static string ContentLength(Request request)
    {
        if (request.Content is null)
        {
            return string.Empty;
        }

        if (!request.Content.TryComputeLength(out var length))
        {
            throw new InvalidOperationException("Shared Key signing needs request content of a known length.");
        }

        return length == 0 ? string.Empty : length.ToString(CultureInfo.InvariantCulture);
    }
}

/// <summary>Shared Key Lite as the Table service defines it: the date and the canonicalized resource.</summary>
internal sealed class SharedKeyLitePolicy(string accountName, byte[] accountKey) : HttpPipelineSynchronousPolicy
{
    public override void OnSendingRequest(HttpMessage message)
    {
        var request = message.Request;
        var stringToSign = BuildStringToSign(request, accountName);
        request.Headers.SetValue("Authorization", $"SharedKeyLite {accountName}:{StorageSigning.Sign(accountKey, stringToSign)}");
    }

    internal static string BuildStringToSign(Request request, string accountName)
    {
        if (!request.Headers.TryGetValue("x-ms-date", out var date))
        {
            throw new InvalidOperationException("x-ms-date must be set before the request is signed.");
        }

        // The path is signed exactly as it goes on the wire (still percent-encoded); only comp from the query counts.
        var uri = request.Uri.ToUri();
        var resource = "/" + accountName + uri.AbsolutePath;
        if (StorageSigning.ParseQuery(uri.Query).TryGetValue("comp", out var comp))
        {
            resource += "?comp=" + string.Join(',', comp);
        }

        return date + "\n" + resource;
    }
}

internal static class StorageSigning
{
    public static string Sign(byte[] key, string stringToSign) =>
        Convert.ToBase64String(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(stringToSign)));

    /// <summary>Query parameters with lower-cased names and decoded values, as Shared Key canonicalizes them.</summary>
    public static Dictionary<string, List<string>> ParseQuery(string query)
    {
        var result = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var pair in query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var separator = pair.IndexOf('=', StringComparison.Ordinal);
            var name = Uri.UnescapeDataString(separator < 0 ? pair : pair[..separator]).ToLowerInvariant();
            var value = separator < 0 ? string.Empty : Uri.UnescapeDataString(pair[(separator + 1)..]);
            if (!result.TryGetValue(name, out var values))
            {
                values = [];
                result[name] = values;
            }

            values.Add(value);
        }

        return result;
    }
}
