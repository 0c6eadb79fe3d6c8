using System.Globalization;
using Shiming.Baidu;
using Shiming.IdentityChecks;
using Shiming.Jobs;

namespace Shiming.IdCards;

/// <summary>Turns Baidu's <c>idcard</c> answer into what Shiming's clients read.</summary>
public static class IdCardResultMapper
{
    // Card dates are Beijing dates; compare them with today's date there, not with UTC's.
    private static readonly TimeSpan BeijingOffset = TimeSpan.FromHours(8);

    public static DateOnly BeijingToday(DateTimeOffset now) => DateOnly.FromDateTime(now.ToOffset(BeijingOffset).DateTime);

    public static RecognitionOutcome Map(BaiduIdCardResponse response, IdCardSide side, DateTimeOffset now)
    {
        var imageStatus = string.IsNullOrEmpty(response.ImageStatus) ? "normal" : response.ImageStatus;
        switch (imageStatus)
        {
            case "non_idcard":
                return Reject(Errors.NotAnIdCard);
            case "other_type_card":
                return Reject(new JobError("not_an_id_card",
                    "This is another kind of document. Photograph a second-generation resident identity card."));
            case "reversed_side":
                return Reject(side == IdCardSide.Front
                    ? new JobError("wrong_side", "This is the back of the card. Photograph the side with the portrait, or submit it as the back.")
                    : new JobError("wrong_side", "This is the portrait side of the card. Photograph the side with the national emblem, or submit it as the front."));
        }

        if (response.WordsResult is not { Count: > 0 } || response.IdCardNumberType == -1)
        {
            return Reject(new JobError("image_unreadable",
                "No text could be read from the card. Photograph it flat, in good light, filling the frame."));
        }

        var warnings = new List<CardWarning>();
        if (ImageStatusWarning(imageStatus) is { } imageWarning)
        {
            warnings.Add(imageWarning);
        }

        return side == IdCardSide.Front
            ? MapFront(response, imageStatus, warnings, BeijingToday(now))
            : MapBack(response, warnings, BeijingToday(now));
    }

    private static RecognitionOutcome MapFront(BaiduIdCardResponse response, string imageStatus, List<CardWarning> warnings, DateOnly today)
    {
        var idNumber = response.Field("公民身份号码")?.ToUpperInvariant();
        var valid = ChineseIdNumber.IsValid(idNumber, today);
        if (!valid)
        {
            warnings.Add(new CardWarning("id_number_invalid",
                "The ID number read from the card is not a valid number. Retake the photo so that every digit is sharp."));
        }
        else if (response.IdCardNumberType is 2 or 3 or 4)
        {
            warnings.Add(new CardWarning("id_number_inconsistent",
                "The ID number does not agree with the birth date or sex printed on the card. Check that the card is genuine and retake the photo."));
        }

        var riskType = string.IsNullOrEmpty(response.RiskType) ? "normal" : response.RiskType;
        if (RiskWarning(riskType) is { } riskWarning)
        {
            warnings.Add(riskWarning);
        }

        return new RecognitionOutcome.Recognized(new IdCardFrontOutput(
            Side: "front",
            Name: response.Field("姓名"),
            Gender: response.Field("性别"),
            Ethnicity: response.Field("民族"),
            BirthDate: FormatDate(response.Field("出生")),
            Address: response.Field("住址"),
            IdNumber: idNumber,
            IdNumberMasked: idNumber is null ? null : ChineseIdNumber.Mask(idNumber),
            IdNumberValid: valid,
            ImageStatus: imageStatus,
            RiskType: riskType,
            Warnings: warnings));
    }

    private static RecognitionOutcome MapBack(BaiduIdCardResponse response, List<CardWarning> warnings, DateOnly today)
    {
        var validUntilRaw = response.Field("失效日期");
        var longTerm = validUntilRaw == "长期";
        var validUntil = longTerm ? "长期" : FormatDate(validUntilRaw);
        var expired = !longTerm && validUntil is not null
            && DateOnly.TryParseExact(validUntil, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var until)
            && until < today;
        if (expired)
        {
            warnings.Add(new CardWarning("card_expired", "This card has expired. Renew it at a public security bureau and use the new card."));
        }

        return new RecognitionOutcome.Recognized(new IdCardBackOutput(
            Side: "back",
            IssuingAuthority: response.Field("签发机关"),
            ValidFrom: FormatDate(response.Field("签发日期")),
            ValidUntil: validUntil,
            Expired: expired,
            Warnings: warnings));
    }

    /// <summary><c>yyyyMMdd</c> as Baidu writes dates, to <c>yyyy-MM-dd</c>; anything else stays as read.</summary>
    private static string? FormatDate(string? value) =>
        value is not null && DateOnly.TryParseExact(value, "yyyyMMdd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date)
            ? date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)
            : value;

    private static CardWarning? ImageStatusWarning(string imageStatus) => imageStatus switch
    {
        "normal" => null,
        "blurred" => new("image_blurred", "The photo is blurred. Hold the phone steady, let it focus, and retake the photo."),
        "over_exposure" => new("image_glare", "Glare covers part of the card. Retake the photo without the flash and away from direct light."),
        "over_dark" => new("image_dark", "The photo is too dark. Retake it in better light."),
        _ => new("image_quality_unknown", "The photo's quality could not be judged. If any field below is wrong, retake the photo."),
    };

    private static CardWarning? RiskWarning(string riskType) => riskType switch
    {
        "normal" => null,
        "copy" => new("card_photocopy", "This looks like a photocopy. Photograph the original card."),
        "scan" => new("card_scan", "This looks like a scan. Photograph the original card."),
        "temporary" => new("card_temporary", "This is a temporary ID card. Check its validity period, or use the permanent card once issued."),
        "screen" or "screenshot" => new("card_on_screen", "This looks like a photo of a screen. Photograph the original card."),
        _ => new("card_risk_unknown", "The card could not be checked for copies or edits. Photograph the original card."),
    };

    private static RecognitionOutcome.Rejected Reject(JobError error) => new(error);

    /// <summary>The errors a card's job can end with, in Shiming's own codes.</summary>
    public static class Errors
    {
        public static readonly JobError NotAnIdCard = new("not_an_id_card",
            "No ID card was found in the photo. Photograph a resident identity card, flat and filling the frame.");

        public static readonly JobErrors All = JobErrors.Phrased(
            "verification", "Submit the card again", "recognition",
            "a JPEG, PNG or BMP photo of the card, between 15 and 4096 pixels on each side", wrongDocument: NotAnIdCard);
    }
}
