//! The family's copy as an accessible PDF: PDF/UA-1 (checked by krilla as it writes), every line
//! tagged in reading order (title H1, section headings H2, paragraphs P, lists L/LI), the
//! document language and title set, DejaVu Sans embedded (subset), black on white, and a
//! large-print layout.

use super::summary::FamilySummary;
use krilla::configure::{Accessibility, ConfigurationBuilder, Validator};
use krilla::destination::XyzDestination;
use krilla::geom::Point;
use krilla::metadata::Metadata;
use krilla::outline::{Outline, OutlineNode};
use krilla::page::PageSettings;
use krilla::surface::Surface;
use krilla::tagging::{
    ArtifactType, ContentTag, Identifier, ListNumbering, SpanTag, Tag, TagGroup, TagTree,
};
use krilla::text::{Font, TextDirection};
use krilla::{Document, SerializeSettings};
use skrifa::instance::{LocationRef, Size};
use skrifa::MetadataProvider;
use std::num::NonZeroU16;

/// Why a PDF could not be made. Never carries the document's text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum PdfError {
    /// The embedded font could not be read.
    #[error("the embedded font could not be read")]
    Font,
    /// The PDF writer refused the document (it would not have been accessible or valid).
    #[error("the PDF could not be written")]
    Write,
}

const A4_WIDTH: f32 = 595.28;
const A4_HEIGHT: f32 = 841.89;
const MARGIN: f32 = 56.7; // 2 cm

/// Type sizes in points.
#[derive(Debug, Clone, Copy)]
struct Sizes {
    title: f32,
    heading: f32,
    body: f32,
}

impl Sizes {
    fn for_print(large_print: bool) -> Self {
        // Large print follows the usual UK guidance: body text of at least 16 pt (here 18).
        if large_print {
            Sizes {
                title: 28.0,
                heading: 22.0,
                body: 18.0,
            }
        } else {
            Sizes {
                title: 20.0,
                heading: 15.0,
                body: 12.0,
            }
        }
    }
}

/// The two faces, with what is needed to measure text.
struct Faces {
    regular: Font,
    bold: Font,
    regular_data: &'static [u8],
    bold_data: &'static [u8],
}

impl Faces {
    fn load() -> Result<Self, PdfError> {
        let regular_data = dejavu::sans::regular();
        let bold_data = dejavu::sans::bold();
        Ok(Faces {
            regular: Font::new(regular_data.into(), 0).ok_or(PdfError::Font)?,
            bold: Font::new(bold_data.into(), 0).ok_or(PdfError::Font)?,
            regular_data,
            bold_data,
        })
    }
}

/// The width of `text` set in `data` at `size` points (advance widths, no kerning).
fn width(data: &[u8], size: f32, text: &str) -> Result<f32, PdfError> {
    let font = skrifa::FontRef::new(data).map_err(|_| PdfError::Font)?;
    let charmap = font.charmap();
    let metrics = font.glyph_metrics(Size::new(size), LocationRef::default());
    Ok(text
        .chars()
        .map(|c| {
            charmap
                .map(c)
                .and_then(|g| metrics.advance_width(g))
                .unwrap_or(size * 0.6)
        })
        .sum())
}

/// Breaks text into lines no wider than `max`, at spaces (a word longer than a line is broken).
fn wrap(data: &[u8], size: f32, text: &str, max: f32) -> Result<Vec<String>, PdfError> {
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        let candidate = if line.is_empty() {
            word.to_string()
        } else {
            format!("{line} {word}")
        };
        if width(data, size, &candidate)? <= max {
            line = candidate;
            continue;
        }
        if !line.is_empty() {
            lines.push(std::mem::take(&mut line));
        }
        let mut piece = String::new();
        for c in word.chars() {
            piece.push(c);
            if width(data, size, &piece)? > max && piece.chars().count() > 1 {
                piece.pop();
                lines.push(std::mem::take(&mut piece));
                piece.push(c);
            }
        }
        line = piece;
    }
    if !line.is_empty() {
        lines.push(line);
    }
    Ok(lines)
}

/// What a block is, for its tag and face.
#[derive(Clone, Copy, PartialEq)]
enum BlockKind {
    Title,
    Heading,
    Paragraph,
    Item,
}

/// One line placed on a page.
struct Placed {
    page: usize,
    y: f32,
    x: f32,
    text: String,
}

/// A block of the document with its lines placed: one structure element.
struct Block {
    kind: BlockKind,
    text: String,
    lines: Vec<Placed>,
}

/// Lays the summary out on pages (a list of blocks, each with its lines' positions).
struct Layout {
    sizes: Sizes,
    page: usize,
    y: f32,
    blocks: Vec<Block>,
}

impl Layout {
    fn add(&mut self, faces: &Faces, kind: BlockKind, text: &str) -> Result<(), PdfError> {
        let s = self.sizes;
        let (size, data, gap_before) = match kind {
            BlockKind::Title => (s.title, faces.bold_data, 0.0),
            BlockKind::Heading => (s.heading, faces.bold_data, s.body * 1.2),
            BlockKind::Paragraph | BlockKind::Item => (s.body, faces.regular_data, s.body * 0.5),
        };
        let indent = if kind == BlockKind::Item {
            s.body * 1.5
        } else {
            0.0
        };
        let leading = size * 1.45;
        let lines = wrap(data, size, text, A4_WIDTH - 2.0 * MARGIN - indent)?;
        self.y += gap_before;
        let mut block = Block {
            kind,
            text: text.to_string(),
            lines: Vec::new(),
        };
        // A heading is kept with at least two lines of what follows it.
        let keep = if kind == BlockKind::Heading {
            s.body * 1.45 * 2.0
        } else {
            0.0
        };
        for (i, line) in lines.into_iter().enumerate() {
            let need = leading + if i == 0 { keep } else { 0.0 };
            if self.y + need > A4_HEIGHT - MARGIN - s.body * 2.0 {
                self.page += 1;
                self.y = MARGIN;
            }
            self.y += leading;
            block.lines.push(Placed {
                page: self.page,
                y: self.y,
                x: MARGIN + indent,
                text: line,
            });
        }
        self.blocks.push(block);
        Ok(())
    }
}

fn lay_out(summary: &FamilySummary, faces: &Faces, sizes: Sizes) -> Result<Layout, PdfError> {
    let mut l = Layout {
        sizes,
        page: 0,
        y: MARGIN,
        blocks: Vec::new(),
    };
    l.add(faces, BlockKind::Title, &summary.title)?;
    for s in &summary.sections {
        l.add(faces, BlockKind::Heading, &s.heading)?;
        for p in &s.paragraphs {
            l.add(faces, BlockKind::Paragraph, p)?;
        }
        for item in &s.items {
            l.add(faces, BlockKind::Item, item)?;
        }
    }
    Ok(l)
}

/// Draws one line as tagged content and returns its identifier.
fn draw_line(surface: &mut Surface<'_>, font: &Font, size: f32, line: &Placed) -> Identifier {
    let id = surface.start_tagged(ContentTag::Span(SpanTag::empty()));
    surface.draw_text(
        Point::from_xy(line.x, line.y),
        font.clone(),
        size,
        &line.text,
        false,
        TextDirection::Auto,
    );
    surface.end_tagged();
    id
}

/// Renders the family's copy. `large_print` sets body text at 18 pt.
pub fn render(summary: &FamilySummary, large_print: bool) -> Result<Vec<u8>, PdfError> {
    let faces = Faces::load()?;
    let sizes = Sizes::for_print(large_print);
    let layout = lay_out(summary, &faces, sizes)?;
    let pages = layout.page + 1;

    let configuration = ConfigurationBuilder::new()
        .set_validator(Validator::Ua(Accessibility::UA1))
        .finish()
        .map_err(|_| PdfError::Write)?;
    let mut document = Document::new_with(SerializeSettings {
        configuration,
        enable_tagging: true,
        ..SerializeSettings::default()
    });
    document.set_metadata(
        Metadata::new()
            .title(summary.title.clone())
            .language("en-GB".to_string())
            .creator("Doorstep".to_string()),
    );

    // Identifiers of each block's lines, page by page.
    let mut ids: Vec<Vec<Identifier>> = layout.blocks.iter().map(|_| Vec::new()).collect();
    for page_index in 0..pages {
        let mut page = document
            .start_page_with(PageSettings::from_wh(A4_WIDTH, A4_HEIGHT).ok_or(PdfError::Write)?);
        let mut surface = page.surface();
        for (b, block) in layout.blocks.iter().enumerate() {
            let (font, size) = match block.kind {
                BlockKind::Title => (&faces.bold, sizes.title),
                BlockKind::Heading => (&faces.bold, sizes.heading),
                _ => (&faces.regular, sizes.body),
            };
            for (i, line) in block.lines.iter().enumerate() {
                if line.page != page_index {
                    continue;
                }
                if block.kind == BlockKind::Item && i == 0 {
                    // The bullet is the list item's label; tagged with it below.
                    let bullet = Placed {
                        page: page_index,
                        y: line.y,
                        x: MARGIN,
                        text: "•".to_string(),
                    };
                    ids[b].push(draw_line(&mut surface, font, size, &bullet));
                }
                ids[b].push(draw_line(&mut surface, font, size, line));
            }
        }
        // The page number is an artifact: not part of the reading order.
        surface.start_tagged(ContentTag::Artifact(krilla::tagging::Artifact::with_kind(
            ArtifactType::PageNumber,
        )));
        surface.draw_text(
            Point::from_xy(MARGIN, A4_HEIGHT - MARGIN / 2.0),
            faces.regular.clone(),
            sizes.body * 0.8,
            &format!("Page {} of {pages}", page_index + 1),
            false,
            TextDirection::Auto,
        );
        surface.end_tagged();
        surface.finish();
        page.finish();
    }

    document.set_outline(outline(&layout));
    document.set_tag_tree(tag_tree(&layout, ids));
    document.finish().map_err(|_| PdfError::Write)
}

/// The bookmarks: the title, with a bookmark for each section under it.
fn outline(layout: &Layout) -> Outline {
    let node = |b: &Block| {
        let (page, y) = b.lines.first().map_or((0, MARGIN), |l| (l.page, l.y));
        OutlineNode::new(
            b.text.clone(),
            XyzDestination::new(page, Point::from_xy(MARGIN, (y - MARGIN).max(0.0))),
        )
    };
    let mut outline = Outline::new();
    let mut root: Option<OutlineNode> = None;
    for b in &layout.blocks {
        match b.kind {
            BlockKind::Title => root = Some(node(b).with_open(true)),
            BlockKind::Heading => match root.as_mut() {
                Some(r) => r.push_child(node(b)),
                None => outline.push_child(node(b)),
            },
            _ => {}
        }
    }
    if let Some(r) = root {
        outline.push_child(r);
    }
    outline
}

/// The structure tree in reading order: H1, then for each section an H2, its paragraphs and
/// its list.
fn tag_tree(layout: &Layout, ids: Vec<Vec<Identifier>>) -> TagTree {
    let mut tree = TagTree::new().with_lang(Some("en-GB".to_string()));
    let mut list: Option<TagGroup> = None;
    let h = |level: u16, title: &str| {
        NonZeroU16::new(level).map_or(Tag::P.into(), |l| {
            Tag::Hn(l, Some(title.to_string())).into()
        })
    };
    for (block, mut line_ids) in layout.blocks.iter().zip(ids) {
        if block.kind != BlockKind::Item {
            if let Some(l) = list.take() {
                tree.push(l);
            }
        }
        match block.kind {
            BlockKind::Item => {
                let mut li = TagGroup::new(Tag::LI);
                if !line_ids.is_empty() {
                    let bullet = line_ids.remove(0);
                    li.push(TagGroup::with_children(Tag::Lbl, vec![bullet.into()]));
                }
                li.push(TagGroup::with_children(
                    Tag::LBody,
                    line_ids.into_iter().map(Into::into).collect(),
                ));
                list.get_or_insert_with(|| TagGroup::new(Tag::L(ListNumbering::Disc)))
                    .push(li);
            }
            kind => {
                let tag: krilla::tagging::TagKind = match kind {
                    BlockKind::Title => h(1, &block.text),
                    BlockKind::Heading => h(2, &block.text),
                    _ => Tag::P.into(),
                };
                tree.push(TagGroup::with_children(
                    tag,
                    line_ids.into_iter().map(Into::into).collect(),
                ));
            }
        }
    }
    if let Some(l) = list.take() {
        tree.push(l);
    }
    tree
}
