using System.Buffers.Binary;
using System.Net;
using System.Text.Json;

namespace Shiming.BaiduEmulator.Tests;

[TestClass]
public sealed class IdCardRequestErrorTests
{
    private static readonly byte[] s_card = SyntheticCardImages.RenderFront(SyntheticIdentities.CreatePerson(new Random(31)));

    [TestMethod]
    public async Task No_access_token_is_invalid_parameter_100()
    {
        var reply = await SharedEmulator.Client.PostIdCardAsync(EmulatorClient.IdCardPath, CardForm("front", s_card));

        AssertError(reply, 100, "Invalid parameter");
    }

    [TestMethod]
    public async Task An_empty_access_token_is_invalid_parameter_100()
    {
        var reply = await SharedEmulator.Client.PostIdCardAsync($"{EmulatorClient.IdCardPath}?access_token=", CardForm("front", s_card));

        AssertError(reply, 100, "Invalid parameter");
    }

    [TestMethod]
    public async Task An_unknown_access_token_is_110()
    {
        var reply = await SharedEmulator.Client.RecognizeAsync("24.00000000000000000000000000000000.2592000.1700000000.282335-1", s_card, "front");

        AssertError(reply, 110, "Access token invalid or no longer valid");
    }

    [TestMethod]
    public async Task No_image_is_not_enough_param_216101()
    {
        var reply = await SharedEmulator.Client.PostIdCardAsync(TokenQuery(), [new("id_card_side", "front")]);

        AssertError(reply, 216101, "not enough param");
    }

    [TestMethod]
    public async Task A_URL_instead_of_an_image_is_not_enough_param_because_the_emulator_downloads_nothing()
    {
        var reply = await SharedEmulator.Client.PostIdCardAsync(TokenQuery(), [new("id_card_side", "front"), new("url", "https://example.invalid/card.png")]);

        AssertError(reply, 216101, "not enough param");
    }

    [TestMethod]
    public async Task A_body_that_is_not_a_form_is_not_enough_param_216101()
    {
        using var response = await SharedEmulator.Client.Http.PostAsync(TokenQuery(), new ByteArrayContent(s_card));

        AssertError(await EmulatorClient.ReadAsync(response), 216101, "not enough param");
    }

    [TestMethod]
    [DataRow(null)]
    [DataRow("")]
    [DataRow("left")]
    [DataRow("Front")]
    public async Task A_missing_or_unknown_side_is_invalid_param_216100(string? side)
    {
        var form = new List<KeyValuePair<string, string>> { new("image", Convert.ToBase64String(s_card)) };
        if (side is not null)
        {
            form.Add(new("id_card_side", side));
        }

        var reply = await SharedEmulator.Client.PostIdCardAsync(TokenQuery(), form);

        AssertError(reply, 216100, "invalid param");
    }

    [TestMethod]
    public async Task An_empty_image_is_216200()
    {
        var reply = await SharedEmulator.Client.PostIdCardAsync(TokenQuery(), [new("id_card_side", "front"), new("image", string.Empty)]);

        AssertError(reply, 216200, "empty image");
    }

    [TestMethod]
    [DataRow("this is not base64!")]
    [DataRow("iVBORw0KGgo")]
    public async Task Invalid_Base64_is_image_format_error_216201(string image)
    {
        var reply = await SharedEmulator.Client.PostIdCardAsync(TokenQuery(), [new("id_card_side", "front"), new("image", image)]);

        AssertError(reply, 216201, "image format error");
    }

    [TestMethod]
    public async Task A_data_URI_prefix_is_image_format_error_216201()
    {
        var reply = await SharedEmulator.Client.PostIdCardAsync(
            TokenQuery(), [new("id_card_side", "front"), new("image", "data:image/png;base64," + Convert.ToBase64String(s_card))]);

        AssertError(reply, 216201, "image format error");
    }

    [TestMethod]
    public async Task Double_URL_encoded_Base64_is_image_format_error_216201()
    {
        // The classic client bug: escaping the Base64 by hand and then letting the form encoder escape it again.
        var escapedOnce = Uri.EscapeDataString(Convert.ToBase64String(s_card));

        var reply = await SharedEmulator.Client.PostIdCardAsync(TokenQuery(), [new("id_card_side", "front"), new("image", escapedOnce)]);

        AssertError(reply, 216201, "image format error");
    }

    [TestMethod]
    public async Task A_GIF_is_image_format_error_216201()
    {
        byte[] gif = [.. "GIF89a"u8, 0x10, 0x00, 0x10, 0x00, 0x00, 0x00, 0x00, 0x3B];

        var reply = await SharedEmulator.Client.RecognizeAsync(SharedEmulator.Token, gif, "front");

        AssertError(reply, 216201, "image format error");
    }

    [TestMethod]
    public async Task A_PNG_cut_off_before_its_header_is_image_format_error_216201()
    {
        var reply = await SharedEmulator.Client.RecognizeAsync(SharedEmulator.Token, s_card[..20], "front");

        AssertError(reply, 216201, "image format error");
    }

    [TestMethod]
    public async Task Base64_longer_than_the_limit_is_image_size_error_216202()
    {
        var base64Length = Convert.ToBase64String(s_card).Length;
        await using var host = await BaiduEmulatorHost.StartAsync(new EmulatorOptions { MaxImageBase64Bytes = base64Length - 1 });
        using var client = new EmulatorClient(host);
        var token = await client.GetTokenAsync();

        var reply = await client.RecognizeAsync(token, s_card, "front");
        host.Options.MaxImageBase64Bytes = base64Length;
        var atTheLimit = await client.RecognizeAsync(token, s_card, "front");

        AssertError(reply, 216202, "image size error");
        Assert.IsNull(atTheLimit.ErrorCode, atTheLimit.Text);
    }

    [TestMethod]
    public async Task An_image_larger_than_form_readers_allow_by_default_still_reaches_the_size_check()
    {
        // ASP.NET Core's form reader stops at 4 MiB values by default, which is exactly Baidu's limit.
        var oversized = new byte[(4 * 1024 * 1024 * 3 / 4) + 3];
        SyntheticCardImages.RenderPlainPicture().CopyTo(oversized, 0);

        var reply = await SharedEmulator.Client.RecognizeAsync(SharedEmulator.Token, oversized, "front");

        AssertError(reply, 216202, "image size error");
    }

    [TestMethod]
    [DataRow(14, 100)]
    [DataRow(100, 14)]
    [DataRow(4097, 20)]
    [DataRow(20, 4097)]
    public async Task A_PNG_with_a_side_outside_the_limits_is_image_size_error_216202(int width, int height)
    {
        var reply = await SharedEmulator.Client.RecognizeAsync(SharedEmulator.Token, SyntheticCardImages.RenderPlainPicture(width, height), "front");

        AssertError(reply, 216202, "image size error");
    }

    [TestMethod]
    [DataRow(15, 15)]
    [DataRow(4096, 15)]
    public async Task A_PNG_with_sides_at_the_limits_is_accepted(int width, int height)
    {
        var reply = await SharedEmulator.Client.RecognizeAsync(SharedEmulator.Token, SyntheticCardImages.RenderPlainPicture(width, height), "front");

        Assert.IsNull(reply.ErrorCode, reply.Text);
        Assert.AreEqual("non_idcard", reply.ImageStatus);
    }

    [TestMethod]
    [DataRow(640, 480, true)]
    [DataRow(640, -480, true)]
    [DataRow(10, 480, false)]
    public async Task A_BMP_is_measured_from_its_header(int width, int height, bool accepted)
    {
        var reply = await SharedEmulator.Client.RecognizeAsync(SharedEmulator.Token, Bmp(width, height), "front");

        if (accepted)
        {
            Assert.IsNull(reply.ErrorCode, reply.Text);
            Assert.AreEqual("non_idcard", reply.ImageStatus);
        }
        else
        {
            AssertError(reply, 216202, "image size error");
        }
    }

    [TestMethod]
    public async Task A_JPEG_is_measured_from_its_frame_header()
    {
        await using var host = await BaiduEmulatorHost.StartAsync(new EmulatorOptions { MaxImageSide = 855 });
        using var client = new EmulatorClient(host);

        var reply = await client.RecognizeAsync(await client.GetTokenAsync(), SyntheticCardImages.RenderFrontJpeg(SyntheticIdentities.CreatePerson(new Random(32))), "front");

        AssertError(reply, 216202, "image size error");
    }

    private static string TokenQuery() => $"{EmulatorClient.IdCardPath}?access_token={Uri.EscapeDataString(SharedEmulator.Token)}";

    private static List<KeyValuePair<string, string>> CardForm(string side, byte[] image) =>
        [new("id_card_side", side), new("image", Convert.ToBase64String(image))];

    /// <summary>A BITMAPINFOHEADER bitmap; a negative height is a top-down one.</summary>
    private static byte[] Bmp(int width, int height)
    {
        var rowBytes = ((width * 3) + 3) & ~3;
        var pixels = rowBytes * Math.Abs(height);
        var bmp = new byte[54 + pixels];
        bmp[0] = (byte)'B';
        bmp[1] = (byte)'M';
        BinaryPrimitives.WriteInt32LittleEndian(bmp.AsSpan(2), bmp.Length);
        BinaryPrimitives.WriteInt32LittleEndian(bmp.AsSpan(10), 54);
        BinaryPrimitives.WriteInt32LittleEndian(bmp.AsSpan(14), 40);
        BinaryPrimitives.WriteInt32LittleEndian(bmp.AsSpan(18), width);
        BinaryPrimitives.WriteInt32LittleEndian(bmp.AsSpan(22), height);
        BinaryPrimitives.WriteInt16LittleEndian(bmp.AsSpan(26), 1);
        BinaryPrimitives.WriteInt16LittleEndian(bmp.AsSpan(28), 24);
        BinaryPrimitives.WriteInt32LittleEndian(bmp.AsSpan(34), pixels);
        return bmp;
    }

    private static void AssertError(BaiduReply reply, int code, string message)
    {
        Assert.AreEqual(HttpStatusCode.OK, reply.Status, "Baidu answers OCR errors inside an HTTP 200");
        Assert.AreEqual("application/json;charset=UTF-8", reply.ContentType);
        Assert.AreEqual(code, reply.ErrorCode, reply.Text);
        Assert.AreEqual(message, reply.ErrorMessage);
        Assert.AreEqual(JsonValueKind.Number, reply.Body.GetProperty("log_id").ValueKind);
        Assert.HasCount(3, reply.Body.EnumerateObject().ToList(), "error_code, error_msg and log_id only");
    }
}
