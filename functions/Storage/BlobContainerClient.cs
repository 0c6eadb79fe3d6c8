using System.Runtime.CompilerServices;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using Azure;
using Azure.Core;
using Azure.Core.Pipeline;

namespace Shiming.Storage;

/// <summary>One blob container: private creation, whole-blob upload and download, delete and listing.</summary>
public sealed partial class BlobContainerClient
{
    private const int MaxBlobNameLength = 1024;

    private readonly HttpPipeline _pipeline;
    private readonly Uri _endpoint;

    internal BlobContainerClient(HttpPipeline pipeline, Uri endpoint, string containerName)
    {
        ArgumentNullException.ThrowIfNull(containerName);
        if (!ContainerNamePattern().IsMatch(containerName))
        {
            throw new ArgumentException(
                $"'{containerName}' is not a valid container name: 3-63 lower-case letters, digits and single hyphens, starting and ending with a letter or digit.",
                nameof(containerName));
        }

        _pipeline = pipeline;
        _endpoint = endpoint;
        Name = containerName;
    }

    public string Name { get; }

    /// <summary>Creates the container with no public access; an existing container is left as it is.</summary>
    public async Task CreateIfNotExistsAsync(CancellationToken cancellationToken = default)
    {
        using var message = StorageRequests.Create(_pipeline, RequestMethod.Put, _endpoint, Name);
        message.Request.Uri.AppendQuery("restype", "container");
        var response = await StorageRequests.SendAsync(_pipeline, message, cancellationToken).ConfigureAwait(false);
        if (response.Status == 201 || (response.Status == 409 && StorageResponses.ErrorCode(response) == "ContainerAlreadyExists"))
        {
            return;
        }

        throw StorageResponses.Failure(response);
    }

    /// <summary>Uploads <paramref name="content"/> as a block blob in one request, replacing any existing blob.</summary>
    /// <returns>The new blob's ETag.</returns>
    public async Task<ETag> UploadAsync(string blobName, BinaryData content, string contentType, CancellationToken cancellationToken = default)
    {
        var path = BlobPath(blobName);
        ArgumentNullException.ThrowIfNull(content);
        ArgumentException.ThrowIfNullOrWhiteSpace(contentType);
        using var message = StorageRequests.Create(_pipeline, RequestMethod.Put, _endpoint, path);
        message.Request.Headers.SetValue("x-ms-blob-type", "BlockBlob");
        // x-ms-blob-content-type rather than Content-Type: it is stored as given and signed among the x-ms-* headers,
        // so the transport cannot reformat a signed value.
        message.Request.Headers.SetValue("x-ms-blob-content-type", contentType);
        message.Request.Content = RequestContent.Create(content);
        var response = await StorageRequests.SendAsync(_pipeline, message, cancellationToken).ConfigureAwait(false);
        if (response.Status != 201)
        {
            throw StorageResponses.Failure(response);
        }

        return StorageResponses.ETagOf(response);
    }

    /// <summary>Downloads a whole blob; null when the blob (or its container) does not exist.</summary>
    public async Task<BlobDownload?> DownloadAsync(string blobName, CancellationToken cancellationToken = default)
    {
        using var message = StorageRequests.Create(_pipeline, RequestMethod.Get, _endpoint, BlobPath(blobName));
        var response = await StorageRequests.SendAsync(_pipeline, message, cancellationToken).ConfigureAwait(false);
        if (IsMissing(response))
        {
            return null;
        }

        if (response.Status != 200)
        {
            throw StorageResponses.Failure(response);
        }

        return new BlobDownload(
            BinaryData.FromBytes(response.Content.ToArray()),
            response.Headers.ContentType ?? "application/octet-stream",
            StorageResponses.ETagOf(response));
    }

    /// <summary>Deletes a blob; false when it (or its container) did not exist.</summary>
    public async Task<bool> DeleteIfExistsAsync(string blobName, CancellationToken cancellationToken = default)
    {
        using var message = StorageRequests.Create(_pipeline, RequestMethod.Delete, _endpoint, BlobPath(blobName));
        var response = await StorageRequests.SendAsync(_pipeline, message, cancellationToken).ConfigureAwait(false);
        if (IsMissing(response))
        {
            return false;
        }

        if (response.Status != 202)
        {
            throw StorageResponses.Failure(response);
        }

        return true;
    }

    /// <summary>Lists the blobs whose names start with <paramref name="prefix"/>, in name order, page after page.</summary>
    public IAsyncEnumerable<BlobItem> GetBlobsAsync(string? prefix = null, CancellationToken cancellationToken = default) =>
        GetBlobsAsync(prefix, pageSize: null, cancellationToken);

    internal async IAsyncEnumerable<BlobItem> GetBlobsAsync(
        string? prefix,
        int? pageSize,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        if (pageSize is not null)
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(pageSize.Value, 1, nameof(pageSize));
            ArgumentOutOfRangeException.ThrowIfGreaterThan(pageSize.Value, 5000, nameof(pageSize));
        }

        string? marker = null;
        do
        {
            List<BlobItem> page;
            using (var message = StorageRequests.Create(_pipeline, RequestMethod.Get, _endpoint, Name))
            {
                var uri = message.Request.Uri;
                uri.AppendQuery("restype", "container");
                uri.AppendQuery("comp", "list");
                if (!string.IsNullOrEmpty(prefix))
                {
                    uri.AppendQuery("prefix", prefix);
                }

                if (marker is not null)
                {
                    uri.AppendQuery("marker", marker);
                }

                if (pageSize is not null)
                {
                    uri.AppendQuery("maxresults", pageSize.Value.ToString(System.Globalization.CultureInfo.InvariantCulture));
                }

                var response = await StorageRequests.SendAsync(_pipeline, message, cancellationToken).ConfigureAwait(false);
                if (response.Status != 200)
                {
                    throw StorageResponses.Failure(response);
                }

                (page, marker) = ParseListing(response.Content);
            }

            foreach (var item in page)
            {
                yield return item;
            }
        }
        while (!string.IsNullOrEmpty(marker));
    }

    internal static (List<BlobItem> Items, string? NextMarker) ParseListing(BinaryData body)
    {
        var root = StorageResponses.XmlRoot(body);
        var items = new List<BlobItem>();
        foreach (var blob in root.Element("Blobs")?.Elements("Blob") ?? [])
        {
            var nameElement = blob.Element("Name") ?? throw new InvalidOperationException("A listed blob has no Name.");
            // Names with characters XML cannot carry come percent-encoded and flagged.
            var name = (string?)nameElement.Attribute("Encoded") == "true"
                ? Uri.UnescapeDataString(nameElement.Value)
                : nameElement.Value;
            var properties = blob.Element("Properties");
            items.Add(new BlobItem(
                name,
                long.Parse(properties?.Element("Content-Length")?.Value ?? "0", System.Globalization.CultureInfo.InvariantCulture),
                StorageRequests.ParseHttpDate(properties?.Element("Last-Modified")?.Value
                    ?? throw new InvalidOperationException($"The listed blob '{name}' has no Last-Modified."))));
        }

        var next = root.Element("NextMarker")?.Value;
        return (items, string.IsNullOrEmpty(next) ? null : next);
    }

    private static bool IsMissing(Response response) =>
        response.Status == 404 && StorageResponses.ErrorCode(response) is "BlobNotFound" or "ContainerNotFound";

    // Each segment is escaped on its own so that '/' keeps its meaning of a virtual directory.
    private string BlobPath(string blobName)
    {
        ArgumentException.ThrowIfNullOrEmpty(blobName);
        if (blobName.Length > MaxBlobNameLength)
        {
            throw new ArgumentException($"A blob name is at most {MaxBlobNameLength} characters.", nameof(blobName));
        }

        var segments = blobName.Split('/');
        if (segments.Any(segment => segment is "." or ".."))
        {
            // A URI path collapses them, so the request would reach another blob (or the container itself).
            throw new ArgumentException("A blob name cannot have '.' or '..' segments.", nameof(blobName));
        }

        return Name + "/" + string.Join('/', segments.Select(Uri.EscapeDataString));
    }

    [GeneratedRegex("^(?=.{3,63}$)[a-z0-9](?:-?[a-z0-9])*$", RegexOptions.CultureInvariant)]
    private static partial Regex ContainerNamePattern();
}

/// <summary>A downloaded blob.</summary>
public sealed record BlobDownload(BinaryData Content, string ContentType, ETag ETag);

/// <summary>A listed blob.</summary>
public sealed record BlobItem(string Name, long ContentLength, DateTimeOffset LastModified);
