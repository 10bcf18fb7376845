from django.contrib import admin

from jianfu.gate.similarity.models import IndexState, Signature, StopGram
from jianfu.org.admin_base import ReadOnlyAdmin

# The index is derived from the ledger (`jianfu reindex` rebuilds it): visible, never
# edited. Its posting tables (bands, upper-document grams, field names, and the packed
# lists) hold ids in composite primary keys or blobs, which the admin cannot show.
for model in (IndexState, Signature, StopGram):
    admin.site.register(model, ReadOnlyAdmin)
