"""The images area: the only place the service's layouts take images from.

- `store`  the images, one file per name in `settings.images_dir`: stored after their bytes decode
           as a PNG or JPEG within the limits, listed, read and deleted;
- `refs`   a layout's image fields checked against the area: a name, never a path or URL.
"""
