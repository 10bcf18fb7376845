"""The one compiled part: the similarity lookup's hit counter (jianfu/gate/similarity/_hits.c).

Everything else is declared in pyproject.toml. `optional=True`: where no C
compiler is found the install goes on and the lookup counts in NumPy
(postings._count), slower on a large ledger but with the same results.
"""

from setuptools import Extension, setup

setup(
    ext_modules=[
        Extension(
            "jianfu.gate.similarity._hits",
            ["jianfu/gate/similarity/_hits.c"],
            extra_compile_args=["-O2"],
            optional=True,
        )
    ]
)
