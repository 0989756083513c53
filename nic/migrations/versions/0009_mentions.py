"""mentions: each group gets a slug (@principals-circle)

peer_group.slug, unique, made from the name for the groups there are (as
nic.services.handles makes it as of this revision: skipping the usernames
taken and the slugs already given, with "-2", "-3"...).

Revision ID: 0009m
Revises: 0008
Create Date: 2026-12-03 09:00:00.000000

"""
import re
import unicodedata

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0009m'
down_revision = '0008'
branch_labels = None
depends_on = None

SLUG_BASE_MAX = 60
_APOSTROPHE = re.compile(r"(?<=[a-z0-9])['\u2019](?=[a-z0-9])")
_NOT_NAME = re.compile(r"[^a-z0-9]+")


def _slug_base(name):
    folded = unicodedata.normalize("NFKD", name.replace("\u2019", "'"))
    lowered = folded.encode("ascii", "ignore").decode().lower()
    joined = _NOT_NAME.sub("-", _APOSTROPHE.sub("", lowered)).strip("-")
    return joined[:SLUG_BASE_MAX].strip("-") or "group"


def upgrade():
    with op.batch_alter_table('peer_group', schema=None) as batch_op:
        batch_op.add_column(sa.Column('slug', sa.String(length=80), nullable=True))
    connection = op.get_bind()
    used = set(connection.execute(sa.text('SELECT username FROM "user"')).scalars())
    groups = connection.execute(sa.text('SELECT id, name FROM peer_group ORDER BY id')).all()
    for group_id, name in groups:
        base = candidate = _slug_base(name)
        n = 1
        while candidate in used:
            n += 1
            candidate = f"{base}-{n}"
        used.add(candidate)
        connection.execute(
            sa.text('UPDATE peer_group SET slug = :slug WHERE id = :id'),
            {"slug": candidate, "id": group_id},
        )
    with op.batch_alter_table('peer_group', schema=None) as batch_op:
        batch_op.alter_column('slug', existing_type=sa.String(length=80), nullable=False)
        batch_op.create_unique_constraint(batch_op.f('uq_peer_group_slug'), ['slug'])


def downgrade():
    with op.batch_alter_table('peer_group', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_peer_group_slug'), type_='unique')
        batch_op.drop_column('slug')
