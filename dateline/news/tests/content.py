"""Body blocks for the articles tests build (as the editor's form stores them)."""


def figure_block(image, caption, credit="Dateline"):
    return {
        "type": "figure",
        "value": {
            "image": {"image": image.pk, "decorative": False, "alt_text": "A harbour at dawn."},
            "caption": caption,
            "credit": credit,
        },
    }


def paragraph(text):
    return {"type": "paragraph", "value": f"<p>{text}</p>"}
