using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using Azure;
using Azure.Core;
using Azure.Core.Pipeline;

namespace Shiming.Storage;

/// <summary>
/// One queue. Message text travels Base64-encoded UTF-8, the encoding the Functions queue trigger expects by
/// default; callers only ever see the plain text.
/// </summary>
public sealed partial class QueueClient
{
    /// <summary>The service's limit on a message as sent, that is after Base64 encoding.</summary>
    public const int MaxEncodedMessageLength = 64 * 1024;

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private readonly HttpPipeline _pipeline;
    private readonly Uri _endpoint;

    internal QueueClient(HttpPipeline pipeline, Uri endpoint, string queueName)
    {
        ArgumentNullException.ThrowIfNull(queueName);
        if (!QueueNamePattern().IsMatch(queueName))
        {
            throw new ArgumentException(
                $"'{queueName}' is not a valid queue name: 3-63 lower-case letters, digits and single hyphens, starting and ending with a letter or digit.",
                nameof(queueName));
        }

        _pipeline = pipeline;
        _endpoint = endpoint;
        Name = queueName;
    }

    public string Name { get; }

    /// <summary>Creates the queue; an existing queue is left as it is.</summary>
    public async Task CreateIfNotExistsAsync(CancellationToken cancellationToken = default)
    {
        using var message = StorageRequests.Create(_pipeline, RequestMethod.Put, _endpoint, Name);
        var response = await StorageRequests.SendAsync(_pipeline, message, cancellationToken).ConfigureAwait(false);
        // 204 means it exists with the same (empty) metadata; 409 that it exists with other metadata.
        if (response.Status is 201 or 204 || (response.Status == 409 && StorageResponses.ErrorCode(response) == "QueueAlreadyExists"))
        {
            return;
        }

        throw StorageResponses.Failure(response);
    }

    /// <summary>Adds a message.</summary>
    /// <param name="messageText">Plain text; at most <see cref="MaxEncodedMessageLength"/> characters once Base64-encoded (48 KiB of UTF-8).</param>
    /// <param name="visibilityTimeout">How long the message stays invisible after it is added; none by default.</param>
    /// <param name="timeToLive">How long the message lives; 7 days by default, <see cref="Timeout.InfiniteTimeSpan"/> for ever.</param>
    /// <exception cref="ArgumentException">The encoded message is larger than the service accepts.</exception>
    public async Task<SendReceipt> SendMessageAsync(
        string messageText,
        TimeSpan? visibilityTimeout = null,
        TimeSpan? timeToLive = null,
        CancellationToken cancellationToken = default)
    {
        var body = MessageBody(messageText, nameof(messageText));
        using var message = StorageRequests.Create(_pipeline, RequestMethod.Post, _endpoint, Name + "/messages");
        if (visibilityTimeout is { } visibility)
        {
            message.Request.Uri.AppendQuery("visibilitytimeout", StorageRequests.Seconds(visibility, nameof(visibilityTimeout)));
        }

        if (timeToLive is { } ttl)
        {
            message.Request.Uri.AppendQuery(
                "messagettl",
                ttl == Timeout.InfiniteTimeSpan ? "-1" : StorageRequests.Seconds(ttl, nameof(timeToLive)));
        }

        message.Request.Headers.SetValue("Content-Type", "application/xml");
        message.Request.Content = RequestContent.Create(body);
        var response = await StorageRequests.SendAsync(_pipeline, message, cancellationToken).ConfigureAwait(false);
        if (response.Status != 201)
        {
            throw StorageResponses.Failure(response);
        }

        var sent = Messages(response.Content).FirstOrDefault()
            ?? throw new InvalidOperationException("The queue service answered a sent message without a receipt.");
        return new SendReceipt(
            Required(sent, "MessageId"),
            Required(sent, "PopReceipt"),
            StorageRequests.ParseHttpDate(Required(sent, "InsertionTime")),
            StorageRequests.ParseHttpDate(Required(sent, "TimeNextVisible")));
    }

    /// <summary>
    /// Receives up to <paramref name="maxMessages"/> messages and hides them for <paramref name="visibilityTimeout"/>.
    /// A message that is not Base64-encoded UTF-8 (added by a tool with encoding off) comes back with its text as
    /// stored, so that the caller can drop it: throwing instead would leave the whole batch hidden and undeletable.
    /// </summary>
    public async Task<IReadOnlyList<QueueMessage>> ReceiveMessagesAsync(int maxMessages, TimeSpan visibilityTimeout, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxMessages, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(maxMessages, 32);
        using var message = StorageRequests.Create(_pipeline, RequestMethod.Get, _endpoint, Name + "/messages");
        message.Request.Uri.AppendQuery("numofmessages", maxMessages.ToString(CultureInfo.InvariantCulture));
        message.Request.Uri.AppendQuery("visibilitytimeout", StorageRequests.Seconds(visibilityTimeout, nameof(visibilityTimeout)));
        var response = await StorageRequests.SendAsync(_pipeline, message, cancellationToken).ConfigureAwait(false);
        if (response.Status != 200)
        {
            throw StorageResponses.Failure(response);
        }

        return Messages(response.Content)
            .Select(m => new QueueMessage(
                Required(m, "MessageId"),
                Required(m, "PopReceipt"),
                Decode(Required(m, "MessageText")),
                long.Parse(Required(m, "DequeueCount"), CultureInfo.InvariantCulture),
                StorageRequests.ParseHttpDate(Required(m, "InsertionTime")),
                StorageRequests.ParseHttpDate(Required(m, "TimeNextVisible"))))
            .ToList();
    }

    /// <summary>
    /// Deletes a received message. False when the message is gone or <paramref name="popReceipt"/> no longer
    /// identifies it (it was received or updated again since): in both cases it is not ours to delete.
    /// </summary>
    public async Task<bool> DeleteMessageAsync(string messageId, string popReceipt, CancellationToken cancellationToken = default)
    {
        using var message = MessageRequest(RequestMethod.Delete, messageId, popReceipt);
        var response = await StorageRequests.SendAsync(_pipeline, message, cancellationToken).ConfigureAwait(false);
        if (response.Status == 204)
        {
            return true;
        }

        if ((response.Status == 404 && StorageResponses.ErrorCode(response) == "MessageNotFound") || IsPopReceiptMismatch(response))
        {
            return false;
        }

        throw StorageResponses.Failure(response);
    }

    /// <summary>Hides a received message for <paramref name="visibilityTimeout"/> more and, when given, replaces its text.</summary>
    /// <returns>The new pop receipt, which replaces the one passed in.</returns>
    /// <exception cref="RequestFailedException">
    /// Status 404 when the message is gone or <paramref name="popReceipt"/> no longer identifies it.
    /// </exception>
    public async Task<UpdateReceipt> UpdateMessageAsync(
        string messageId,
        string popReceipt,
        TimeSpan visibilityTimeout,
        string? messageText = null,
        CancellationToken cancellationToken = default)
    {
        var body = messageText is null ? null : MessageBody(messageText, nameof(messageText));
        using var message = MessageRequest(RequestMethod.Put, messageId, popReceipt);
        message.Request.Uri.AppendQuery("visibilitytimeout", StorageRequests.Seconds(visibilityTimeout, nameof(visibilityTimeout)));
        if (body is not null)
        {
            message.Request.Headers.SetValue("Content-Type", "application/xml");
            message.Request.Content = RequestContent.Create(body);
        }

        var response = await StorageRequests.SendAsync(_pipeline, message, cancellationToken).ConfigureAwait(false);
        if (response.Status != 204)
        {
            if (IsPopReceiptMismatch(response))
            {
                // Azure answers a receipt that no longer matches with 404 MessageNotFound; Azurite with
                // 400 PopReceiptMismatch. Callers handle "lost the message" once, as Azure reports it.
                throw new RequestFailedException(
                    404,
                    "The pop receipt no longer identifies the message: it was received or updated again since (the service answered 400 PopReceiptMismatch).",
                    "PopReceiptMismatch",
                    StorageResponses.Failure(response));
            }

            throw StorageResponses.Failure(response);
        }

        if (!response.Headers.TryGetValue("x-ms-popreceipt", out var newReceipt) || !response.Headers.TryGetValue("x-ms-time-next-visible", out var nextVisible))
        {
            throw new InvalidOperationException("The queue service answered an update without the new pop receipt.");
        }

        return new UpdateReceipt(newReceipt, StorageRequests.ParseHttpDate(nextVisible));
    }

    /// <summary>The service's approximate count of messages in the queue, visible or not.</summary>
    public async Task<int> GetApproximateMessageCountAsync(CancellationToken cancellationToken = default)
    {
        using var message = StorageRequests.Create(_pipeline, RequestMethod.Get, _endpoint, Name);
        message.Request.Uri.AppendQuery("comp", "metadata");
        var response = await StorageRequests.SendAsync(_pipeline, message, cancellationToken).ConfigureAwait(false);
        if (response.Status != 200)
        {
            throw StorageResponses.Failure(response);
        }

        if (!response.Headers.TryGetValue("x-ms-approximate-messages-count", out var count))
        {
            throw new InvalidOperationException("The queue service answered without x-ms-approximate-messages-count.");
        }

        return int.Parse(count, CultureInfo.InvariantCulture);
    }

    internal static string Encode(string messageText) => Convert.ToBase64String(StrictUtf8.GetBytes(messageText));

    private static byte[] MessageBody(string messageText, string parameterName)
    {
        ArgumentNullException.ThrowIfNull(messageText, parameterName);
        string encoded;
        try
        {
            encoded = Encode(messageText);
        }
        catch (EncoderFallbackException e)
        {
            throw new ArgumentException("The message text is not valid UTF-16 (it has a lone surrogate).", parameterName, e);
        }

        if (encoded.Length > MaxEncodedMessageLength)
        {
            throw new ArgumentException(
                $"The message is {encoded.Length} characters once Base64-encoded; the queue service accepts at most {MaxEncodedMessageLength}.",
                parameterName);
        }

        var document = new XDocument(new XElement("QueueMessage", new XElement("MessageText", encoded)));
        return Encoding.UTF8.GetBytes(document.ToString(SaveOptions.DisableFormatting));
    }

    private static string Decode(string stored)
    {
        try
        {
            return StrictUtf8.GetString(Convert.FromBase64String(stored));
        }
        catch (Exception e) when (e is FormatException or DecoderFallbackException)
        {
            return stored;
        }
    }

    private HttpMessage MessageRequest(RequestMethod method, string messageId, string popReceipt)
    {
        ArgumentException.ThrowIfNullOrEmpty(messageId);
        ArgumentException.ThrowIfNullOrEmpty(popReceipt);
        var message = StorageRequests.Create(_pipeline, method, _endpoint, Name + "/messages/" + Uri.EscapeDataString(messageId));
        message.Request.Uri.AppendQuery("popreceipt", popReceipt);
        return message;
    }

    private static bool IsPopReceiptMismatch(Response response) =>
        response.Status == 400 && StorageResponses.ErrorCode(response) == "PopReceiptMismatch";

    private static IEnumerable<XElement> Messages(BinaryData body) => StorageResponses.XmlRoot(body).Elements("QueueMessage");

    private static string Required(XElement message, string name) =>
        message.Element(name)?.Value ?? throw new InvalidOperationException($"A queue message in the response has no {name}.");

    [GeneratedRegex("^(?=.{3,63}$)[a-z0-9](?:-?[a-z0-9])*$", RegexOptions.CultureInvariant)]
    private static partial Regex QueueNamePattern();
}

/// <summary>What the service returned for a sent message.</summary>
public sealed record SendReceipt(string MessageId, string PopReceipt, DateTimeOffset InsertedOn, DateTimeOffset NextVisibleOn);

/// <summary>What the service returned for an updated message; the pop receipt replaces the previous one.</summary>
public sealed record UpdateReceipt(string PopReceipt, DateTimeOffset NextVisibleOn);

/// <summary>A received message, with its text decoded.</summary>
public sealed record QueueMessage(string MessageId, string PopReceipt, string MessageText, long DequeueCount, DateTimeOffset InsertedOn, DateTimeOffset NextVisibleOn);
