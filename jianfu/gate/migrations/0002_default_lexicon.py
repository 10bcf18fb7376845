from django.db import migrations


def install(apps, schema_editor):
    from jianfu.gate.lexicon import install_default_lexicon

    install_default_lexicon(apps.get_model("gate", "LexiconEntry"))


def remove(apps, schema_editor):
    from jianfu.gate.lexicon import remove_default_lexicon

    remove_default_lexicon(apps.get_model("gate", "LexiconEntry"))


class Migration(migrations.Migration):
    dependencies = [("gate", "0001_initial")]

    operations = [migrations.RunPython(install, remove)]
