using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Shiming.Api;

namespace Shiming.IdentityChecks;

/// <summary>
/// Reads and checks the details of <c>POST /api/identity-checks</c> before any call is spent: a number that fails
/// GB 11643, an empty or over-long name, or validity dates Baidu cannot take are refused at once.
/// </summary>
public static class IdentityCheckInput
{
    /// <summary>The longest name taken: Chinese names with a transliterated part (with <c>·</c>) stay well within it.</summary>
    public const int MaxNameLength = 30;

    private const int MaxBodyBytes = 4 * 1024;
    private const string LongTerm = "长期";
    private static readonly DateOnly EarliestValidFrom = new(1984, 1, 1);
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private static readonly TimeSpan BeijingOffset = TimeSpan.FromHours(8);

    /// <summary>The details, or the problem with them.</summary>
    public readonly record struct Read(IdentityDetails? Details, ProblemHttpResult? Problem);

    public static async Task<Read> ReadAsync(HttpRequest request, TimeProvider time, CancellationToken cancellationToken)
    {
        IdentityCheckRequest? body = null;
        if (request.ContentLength is null or <= MaxBodyBytes && request.HasJsonContentType())
        {
            try
            {
                body = await BoundedBody.ReadAsync(request.BodyReader, MaxBodyBytes, cancellationToken) is { } bytes
                    ? JsonSerializer.Deserialize<IdentityCheckRequest>(bytes, Json)
                    : null;
            }
            catch (JsonException)
            {
            }
        }

        return body is null
            ? new Read(null, Problems.BadRequest("malformed_request", "The request body could not be read.",
                "Send JSON like {\"name\": \"…\", \"idNumber\": \"…\"}, optionally with \"validFrom\" and \"validUntil\" (yyyy-MM-dd, or 长期)."))
            : Check(body, DateOnly.FromDateTime(time.GetUtcNow().ToOffset(BeijingOffset).DateTime));
    }

    /// <summary>The checks themselves, on a request already read; <paramref name="today"/> is Beijing's date.</summary>
    public static Read Check(IdentityCheckRequest body, DateOnly today)
    {
        var name = body.Name?.Trim();
        if (string.IsNullOrEmpty(name) || name.Length > MaxNameLength || name.Any(c => char.IsControl(c) || char.IsDigit(c)))
        {
            return Refuse("name_invalid", "The name cannot be right.",
                $"Send the name as printed on the card: 1 to {MaxNameLength} characters, no digits.");
        }

        var number = body.IdNumber?.Trim().ToUpperInvariant();
        if (!ChineseIdNumber.IsValid(number, today))
        {
            return Refuse("id_number_invalid", "The ID number is not valid.",
                "A resident ID number has 18 characters: 17 digits with a real birth date, and a check character (a digit or X) that matches them. Check every digit.");
        }

        if (body.ValidFrom is null && body.ValidUntil is null)
        {
            return new Read(new IdentityDetails(name, number!), null);
        }

        if (!TryDate(body.ValidFrom, out var from) || (body.ValidUntil?.Trim() != LongTerm && !TryDate(body.ValidUntil, out _)))
        {
            return Refuse("validity_invalid", "The card's validity dates cannot be read.",
                "Send both validFrom and validUntil as yyyy-MM-dd, as printed on the back of the card; validUntil may be 长期.");
        }

        var longTerm = body.ValidUntil!.Trim() == LongTerm;
        _ = TryDate(body.ValidUntil, out var until);
        if (from < EarliestValidFrom || from > today || (!longTerm && until < from.AddYears(5)))
        {
            return Refuse("validity_invalid", "The card's validity dates cannot be right.",
                "validFrom must be a past date from 1984 on, and validUntil at least five years after it (cards are issued for 5, 10 or 20 years) or 长期.");
        }

        return new Read(new IdentityDetails(name, number!, Baidu(from), longTerm ? "00000000" : Baidu(until)), null);
    }

    private static bool TryDate(string? value, out DateOnly date) =>
        DateOnly.TryParseExact(value?.Trim(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out date);

    private static string Baidu(DateOnly date) => date.ToString("yyyyMMdd", CultureInfo.InvariantCulture);

    private static Read Refuse(string code, string title, string detail) =>
        new(null, Problems.Create(StatusCodes.Status422UnprocessableEntity, code, title, detail));
}
