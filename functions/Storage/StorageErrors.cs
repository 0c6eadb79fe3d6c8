using System.Text.Json;
using System.Xml;
using System.Xml.Linq;
using Azure;
using Azure.Core;

namespace Shiming.Storage;

/// <summary>
/// Reads the error code and message of a failed storage response: the <c>x-ms-error-code</c> header first,
/// then the body, which is XML for Blob and Queue (and for some Table failures) and OData JSON for Table.
/// </summary>
internal sealed class StorageErrorParser : RequestFailedDetailsParser
{
    public static readonly StorageErrorParser Instance = new();

    public override bool TryParse(Response response, out ResponseError? error, out IDictionary<string, string>? data)
    {
        data = null;
        response.Headers.TryGetValue("x-ms-error-code", out var code);
        var (bodyCode, message) = ReadBody(response);
        code = string.IsNullOrEmpty(code) ? bodyCode : code;
        error = code is null && message is null ? null : new ResponseError(code, message);
        return error is not null;
    }

    private static (string? Code, string? Message) ReadBody(Response response)
    {
        if (response.ContentStream is null)
        {
            return (null, null);
        }

        BinaryData body;
        try
        {
            body = response.Content;
        }
        catch (InvalidOperationException)
        {
            // An unbuffered (streamed) body cannot be read here; the header is then all there is.
            return (null, null);
        }

        var text = body.ToString().TrimStart('\uFEFF', ' ', '\t', '\r', '\n');
        try
        {
            if (text.StartsWith('<'))
            {
                var root = XDocument.Parse(text).Root;
                return (root?.Element("Code")?.Value, root?.Element("Message")?.Value);
            }

            if (text.StartsWith('{'))
            {
                using var document = JsonDocument.Parse(text);
                var root = document.RootElement;
                if (root.TryGetProperty("odata.error", out var odata) || root.TryGetProperty("error", out odata))
                {
                    var code = odata.TryGetProperty("code", out var c) && c.ValueKind == JsonValueKind.String ? c.GetString() : null;
                    string? message = null;
                    if (odata.TryGetProperty("message", out var m))
                    {
                        message = m.ValueKind switch
                        {
                            JsonValueKind.String => m.GetString(),
                            JsonValueKind.Object when m.TryGetProperty("value", out var v) => v.GetString(),
                            _ => null,
                        };
                    }

                    return (code, message);
                }
            }
        }
        catch (Exception e) when (e is XmlException or JsonException)
        {
            // A body that is not the documented error shape still leaves the status and header to go on.
        }

        return (null, null);
    }
}

internal static class StorageResponses
{
    public static RequestFailedException Failure(Response response) =>
        new(response, null, StorageErrorParser.Instance);

    public static string? ErrorCode(Response response)
    {
        StorageErrorParser.Instance.TryParse(response, out var error, out _);
        return error?.Code;
    }

    /// <summary>The header form of an ETag for If-Match; a default ETag means "any" (<c>*</c>).</summary>
    public static string IfMatchValue(ETag etag) =>
        etag == default || etag == ETag.All ? "*" : etag.ToString("H");

    /// <summary>
    /// Reads an XML answer from its bytes. Azure Storage starts XML bodies with a UTF-8 byte order mark, which
    /// <see cref="XDocument.Parse(string)"/> refuses once the bytes are a string; loading from bytes honours it.
    /// </summary>
    public static XElement XmlRoot(BinaryData body)
    {
        using var stream = body.ToStream();
        return XDocument.Load(stream).Root ?? throw new InvalidOperationException("The XML answer has no root element.");
    }

    public static ETag ETagOf(Response response) =>
        response.Headers.TryGetValue("ETag", out var value) && !string.IsNullOrEmpty(value) ? new ETag(value) : default;
}
